import { describe, expect, it } from "vitest";
import { GET as listDetectionsRoute } from "@/app/api/v1/deployments/[deployment]/detections/route";
import { GET as getDetectionRoute } from "@/app/api/v1/detections/[id]/route";
import { GET as openApi } from "@/app/api/v1/openapi.json/route";
import { makeCompletedIncident, makeDeployment, makeDetection, makePolicy, makeToken, makeUser } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";

const MIN = 60_000;

/** Two detections on one deployment; the newer led to a completed rollback and its postmortem. */
async function detectedAndRolledBack() {
  const { deployment, versions } = await makeDeployment({ versions: ["v13", "v14"], live: "v13", prior: null, rolledBack: ["v14"] });
  const [v13, v14] = versions;
  const policy = await makePolicy(deployment.id, { action: "REQUEST" });
  const older = await makeDetection(policy, v14!.id, { detectedAt: new Date(Date.now() - 5 * 60 * MIN), timeToDetectMs: 20 * MIN, resolvedAt: new Date(Date.now() - 4 * 60 * MIN) });
  const detectedAt = new Date(Date.now() - 60 * MIN);
  const detection = await makeDetection(policy, v14!.id, {
    detectedAt,
    timeToDetectMs: 30 * MIN,
    evidence: [{ ts: new Date(detectedAt.getTime() - MIN).toISOString(), value: 0.81, sampleCount: 20 }],
    windowStats: { count: 30, mean: 0.81, floor: 0.9 },
  });
  const operator = await makeUser("OPERATOR");
  const { operation, postmortemId } = await makeCompletedIncident({ deploymentId: deployment.id, from: v14!.id, to: v13!.id, requester: operator, requestedAt: new Date(detectedAt.getTime() + MIN), decideMs: MIN, executeMs: 3 * MIN, detectionId: detection.id });
  return { deployment, detection, older, operation, postmortemId };
}

describe("GET /api/v1/detections/{id}", () => {
  it("answers one detection with its evidence and the rollback and postmortem it led to, linked both ways", async () => {
    const { deployment, detection, operation, postmortemId } = await detectedAndRolledBack();
    const { token } = await makeToken("VIEWER");
    const response = await getDetectionRoute(apiRequest(`/api/v1/detections/${detection.id}`, { token }), params({ id: detection.id }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: detection.id,
      deployment: deployment.slug,
      version: "v14",
      timeToDetectMs: 30 * MIN,
      evidence: [{ value: 0.81, sampleCount: 20 }],
      windowStats: { mean: 0.81 },
      rollbacks: [{ id: operation.id, status: "COMPLETED" }],
      postmortem: { id: postmortemId, status: "DRAFT" },
      links: { html: `/detections/${detection.id}`, rollbacks: [`/rollbacks/${operation.id}`], postmortem: `/postmortems/${postmortemId}` },
    });
    const missing = await getDetectionRoute(apiRequest("/api/v1/detections/nope", { token }), params({ id: "nope" }));
    expect(missing.status).toBe(404);
    const anonymous = await getDetectionRoute(apiRequest(`/api/v1/detections/${detection.id}`), params({ id: detection.id }));
    expect(anonymous.status).toBe(401);
  });

  it("is in the OpenAPI document for VIEWERs", async () => {
    const document = await (await openApi()).json();
    expect(document.paths["/api/v1/detections/{id}"].get["x-required-role"]).toBe("VIEWER");
  });
});

describe("GET /api/v1/deployments/{deployment}/detections?id=", () => {
  it("filters to the one detection asked for", async () => {
    const { deployment, detection, older } = await detectedAndRolledBack();
    const { token } = await makeToken("VIEWER");
    const list = async (query: string) =>
      (await (await listDetectionsRoute(apiRequest(`/api/v1/deployments/${deployment.slug}/detections${query}`, { token }), params({ deployment: deployment.slug }))).json()) as { detections: { id: string }[] };
    expect((await list("")).detections.map((d) => d.id)).toEqual([detection.id, older.id]);
    expect((await list(`?id=${older.id}`)).detections.map((d) => d.id)).toEqual([older.id]);
  });
});
