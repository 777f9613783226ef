import { describe, expect, it } from "vitest";
import { PUT as putPolicy } from "@/app/api/v1/deployments/[deployment]/policy/route";
import { GET as getPlan, PUT as putPlan } from "@/app/api/v1/deployments/[deployment]/rollback-plan/route";
import { POST as requestRollbackRoute } from "@/app/api/v1/deployments/[deployment]/rollbacks/route";
import { db } from "@/lib/db";
import { makeDeployment, makeToken } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";

const path = (slug: string) => `/api/v1/deployments/${slug}/rollback-plan`;

async function put(slug: string, body: unknown, role: "APPROVER" | "OPERATOR" | "VIEWER" | "ADMIN" = "APPROVER") {
  const { token } = await makeToken(role);
  return putPlan(apiRequest(path(slug), { token, method: "PUT", body }), params({ deployment: slug }));
}

async function get(slug: string) {
  const { token } = await makeToken("VIEWER");
  return getPlan(apiRequest(path(slug), { token }), params({ deployment: slug }));
}

const issuePaths = async (response: Response) => ((await response.json()) as { issues: { path: string }[] }).issues.map((issue) => issue.path);

describe("GET /api/v1/deployments/{deployment}/rollback-plan", () => {
  it("answers the defaults for a deployment that never had a plan, and 404 for an unknown one", async () => {
    const { deployment } = await makeDeployment();
    const response = await get(deployment.slug);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      deployment: deployment.slug,
      mode: "ramp",
      rampStages: [10, 100],
      rampDwellSeconds: 60,
      requireDistinctApprover: true,
      blockOnUnacknowledged: false,
      blockingConsumers: [],
      sloRollbackSeconds: null,
      sloDetectSeconds: null,
      configured: false,
      updatedAt: null,
    });
    expect((await get("no-such-deployment")).status).toBe(404);
  });
});

describe("PUT /api/v1/deployments/{deployment}/rollback-plan", () => {
  it("creates the plan (201), audits it, and the next rollback ramps through its stages and dwell", async () => {
    const { deployment } = await makeDeployment();
    const created = await put(deployment.slug, { mode: "ramp", rampStages: [25, 50, 100], rampDwellSeconds: 5 });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ mode: "ramp", rampStages: [25, 50, 100], rampDwellSeconds: 5, configured: true });
    expect(await (await get(deployment.slug)).json()).toMatchObject({ rampStages: [25, 50, 100], rampDwellSeconds: 5, configured: true });

    const event = await db().auditEvent.findFirstOrThrow({ where: { action: "rollback_plan.created", targetId: deployment.slug } });
    expect(event.before).toMatchObject({ defaults: true, rampStages: [10, 100], rampDwellSeconds: 60 });
    expect(event.after).toMatchObject({ mode: "ramp", rampStages: [25, 50, 100], rampDwellSeconds: 5 });

    const { token } = await makeToken("OPERATOR");
    const requested = await requestRollbackRoute(
      apiRequest(`/api/v1/deployments/${deployment.slug}/rollbacks`, { token, body: { mode: "ramp", reason: "canary below floor" } }),
      params({ deployment: deployment.slug }),
    );
    expect(requested.status).toBe(201);
    const operation = await db().rollbackOperation.findUniqueOrThrow({ where: { id: ((await requested.json()) as { id: string }).id }, include: { steps: { orderBy: { position: "asc" } } } });
    expect(operation).toMatchObject({ mode: "RAMP", rampStages: [25, 50, 100], rampDwellSeconds: 5 });
    expect(operation.steps.filter((s) => s.name === "shift_traffic").map((s) => s.params)).toEqual([
      { leg: "back", percent: 25, dwellSeconds: 5 },
      { leg: "back", percent: 50, dwellSeconds: 5 },
      { leg: "back", percent: 100, dwellSeconds: 0 },
    ]);
  });

  it("replaces the plan (200) with before and after on record, and sets which consumers block", async () => {
    const { deployment } = await makeDeployment({ consumers: ["triage-agent", "reply-drafter"] });
    expect((await put(deployment.slug, { mode: "ramp", rampStages: [10, 100] })).status).toBe(201);
    const replaced = await put(deployment.slug, { mode: "instant", requireDistinctApprover: false, blockingConsumers: ["reply-drafter"] });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({ mode: "instant", requireDistinctApprover: false, blockingConsumers: ["reply-drafter"] });
    const consumers = await db().consumer.findMany({ where: { deploymentId: deployment.id }, orderBy: { name: "asc" } });
    expect(consumers.map((c) => [c.name, c.blocking])).toEqual([
      ["reply-drafter", true],
      ["triage-agent", false],
    ]);
    const event = await db().auditEvent.findFirstOrThrow({ where: { action: "rollback_plan.updated", targetId: deployment.slug } });
    expect(event.before).toMatchObject({ mode: "ramp", requireDistinctApprover: true, blockingConsumers: [] });
    expect(event.after).toMatchObject({ mode: "instant", requireDistinctApprover: false, blockingConsumers: ["reply-drafter"] });
  });

  it("refuses invalid plans with 400 naming the field, and changes nothing", async () => {
    const { deployment } = await makeDeployment({ consumers: ["triage-agent"] });
    expect(await issuePaths(await put(deployment.slug, { mode: "sideways" }))).toEqual(["mode"]);
    const backwards = await put(deployment.slug, { mode: "ramp", rampStages: [50, 10, 100] });
    expect(backwards.status).toBe(400);
    expect((await backwards.clone().json()).message).toBe("rampStages: ramp stages must increase strictly");
    expect(await issuePaths(backwards)).toEqual(["rampStages"]);
    expect(await issuePaths(await put(deployment.slug, { mode: "ramp", rampStages: [10, 50] }))).toEqual(["rampStages"]);
    expect(await issuePaths(await put(deployment.slug, { mode: "ramp", rampDwellSeconds: -1 }))).toEqual(["rampDwellSeconds"]);
    expect(await issuePaths(await put(deployment.slug, { mode: "ramp", blockingConsumers: ["triage-agent", "ghost"] }))).toEqual(["blockingConsumers.1"]);
    expect(await issuePaths(await put(deployment.slug, { mode: "ramp", rampStage: [10, 100] }))).toEqual(["(body)"]);
    expect(await db().rollbackPlan.count({ where: { deploymentId: deployment.id } })).toBe(0);
    expect(await db().auditEvent.count({ where: { targetType: "RollbackPlan", targetId: deployment.slug } })).toBe(0);
  });

  it("refuses a mode the deployment's serving backend cannot do", async () => {
    const { deployment } = await makeDeployment({ serving: { kind: "http", baseUrl: "http://127.0.0.1:4010", capabilities: { ramp: false } } });
    const refused = await put(deployment.slug, { mode: "ramp" });
    expect(refused.status).toBe(400);
    expect((await refused.json()).message).toBe("mode: ramp is not possible on this deployment: the serving backend cannot split traffic between versions (http at http://127.0.0.1:4010)");
    expect((await put(deployment.slug, { mode: "instant" })).status).toBe(201);
  });

  it("is an APPROVER's to change: VIEWER and OPERATOR get 403 and nothing is recorded", async () => {
    const { deployment } = await makeDeployment();
    expect((await put(deployment.slug, { mode: "instant" }, "VIEWER")).status).toBe(403);
    expect((await put(deployment.slug, { mode: "instant" }, "OPERATOR")).status).toBe(403);
    expect(await db().rollbackPlan.count({ where: { deploymentId: deployment.id } })).toBe(0);
    expect((await put(deployment.slug, { mode: "instant" }, "ADMIN")).status).toBe(201);
  });

  it("is where ramp settings go: a policy that carries them is refused with a pointer here", async () => {
    const { deployment } = await makeDeployment();
    const { token } = await makeToken("APPROVER");
    const response = await putPolicy(
      apiRequest(`/api/v1/deployments/${deployment.slug}/policy`, {
        token,
        method: "PUT",
        body: {
          metric: "canary_accuracy",
          direction: "higher_is_better",
          floor: { mode: "explicit", value: 0.9 },
          windowSeconds: 600,
          evaluationIntervalSeconds: 60,
          minSamples: 5,
          action: "notify",
          rampStages: [10, 100],
        },
      }),
      params({ deployment: deployment.slug }),
    );
    expect(response.status).toBe(400);
    expect((await response.json()).message).toContain("rampStages: how a deployment rolls back is its rollback plan, not a metric's policy (PUT /api/v1/deployments/{deployment}/rollback-plan)");
  });
});
