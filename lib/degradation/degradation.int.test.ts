// Graduated degradation through the real route handlers, against the real simulator process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getRoute, PUT as putRoute } from "@/app/api/v1/deployments/[deployment]/degradation/route";
import { db } from "@/lib/db";
import { startSimulatorProcess, type SimulatorProcess } from "@/lib/rollbacks/simulator-process";
import { makeDeployment, makeToken } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";
import type { DegradationView } from "./schemas";

let sim: SimulatorProcess;
let operator: Awaited<ReturnType<typeof makeToken>>;
let viewer: Awaited<ReturnType<typeof makeToken>>;

beforeAll(async () => {
  sim = await startSimulatorProcess();
  [operator, viewer] = await Promise.all([makeToken("OPERATOR"), makeToken("VIEWER")]);
});

afterAll(async () => {
  await sim?.stop();
});

async function liveOnSimulator(serving: Record<string, unknown> = {}) {
  const made = await makeDeployment({ versions: ["v13", "v14"], serving: { kind: "http", baseUrl: sim.url, ...serving } });
  await sim.serving.pinVersion(made.deployment.slug, { version: "v13" });
  await sim.serving.pinVersion(made.deployment.slug, { version: "v14" });
  return made.deployment;
}

const put = (slug: string, token: string, body: unknown, headers: Record<string, string> = {}) =>
  putRoute(apiRequest(`/api/v1/deployments/${slug}/degradation`, { method: "PUT", token, body, headers }), params({ deployment: slug }));
const get = async (slug: string) => (await (await getRoute(apiRequest(`/api/v1/deployments/${slug}/degradation`, { token: viewer.token }), params({ deployment: slug }))).json()) as DegradationView;

describe("PUT /api/v1/deployments/{deployment}/degradation", () => {
  it("degrades at once, records who and why, replays a retried key, and returns to normal", async () => {
    const deployment = await liveOnSimulator();
    const before = await get(deployment.slug);
    expect(before).toMatchObject({ level: "normal", supported: true, serving: { reachable: true, level: "normal" } });
    expect(before.levels.map((l) => l.level)).toEqual(["normal", "reduced", "fallback", "off"]);
    expect(before.levels.find((l) => l.level === "reduced")?.disables).toEqual(["tool_use", "long_context"]);

    expect((await put(deployment.slug, viewer.token, { level: "fallback", reason: "x" })).status).toBe(403);
    expect((await put(deployment.slug, operator.token, { level: "fallback" })).status).toBe(400);

    const headers = { "idempotency-key": "degrade-once" };
    const response = await put(deployment.slug, operator.token, { level: "fallback", reason: "canary below the floor" }, headers);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { change: { id: string; status: string; servedBy: string }; degradation: { level: string; setBy: string } };
    expect(body.change).toMatchObject({ status: "applied", servedBy: "v13 (prior version)" });
    expect(body.degradation).toMatchObject({ level: "fallback", setBy: expect.stringMatching(/^token:/), reason: "canary below the floor" });
    expect((await sim.serving.getStatus(deployment.slug)).degradation?.level).toBe("fallback");

    const replay = await put(deployment.slug, operator.token, { level: "fallback", reason: "canary below the floor" }, headers);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await db().degradationChange.count({ where: { deploymentId: deployment.id } })).toBe(1);
    expect((await sim.requests(`/v1/deployments/${deployment.slug}/degradation`)).length).toBe(1);

    const normal = await put(deployment.slug, operator.token, { level: "normal" });
    expect(normal.status).toBe(200);
    const after = await get(deployment.slug);
    expect(after).toMatchObject({ level: "normal", reason: "returned to normal", serving: { level: "normal" } });
    expect(after.history.map((c) => [c.from, c.to, c.status])).toEqual([
      ["fallback", "normal", "applied"],
      ["normal", "fallback", "applied"],
    ]);
    const audit = await db().auditEvent.findMany({ where: { targetType: "deployment", targetId: deployment.slug, action: { startsWith: "degradation." } }, orderBy: { id: "asc" } });
    expect(audit.map((e) => e.action)).toEqual(["degradation.requested", "degradation.applied", "degradation.requested", "degradation.applied"]);
  });

  it("keeps the level serving reports, audited with the cause, when the serving call fails", async () => {
    const deployment = await liveOnSimulator();
    await sim.control("PUT", "/sim/faults", { deployment: deployment.slug, failNextRequests: 20 });
    try {
      const response = await put(deployment.slug, operator.token, { level: "off", reason: "shed everything" });
      expect(response.status).toBe(503);
      expect(((await response.json()) as { message: string }).message).toMatch(/did not apply off: serving API failed/);
    } finally {
      await sim.control("DELETE", "/sim/faults");
    }
    const row = await db().deployment.findUniqueOrThrow({ where: { id: deployment.id } });
    expect(row.degradationLevel).toBe("NORMAL");
    const [change] = await db().degradationChange.findMany({ where: { deploymentId: deployment.id } });
    expect(change).toMatchObject({ status: "FAILED", toLevel: "OFF", error: expect.stringContaining("serving API failed") });
    const failed = await db().auditEvent.findFirstOrThrow({ where: { targetId: deployment.slug, action: "degradation.failed" } });
    expect(failed.after).toMatchObject({ requested: "off", cause: expect.stringContaining("serving API failed") });
  });

  it("refuses a backend that cannot degrade, and refuses a second change while one is in flight", async () => {
    const cannot = await liveOnSimulator({ capabilities: { degradation: false } });
    const refused = await put(cannot.slug, operator.token, { level: "reduced", reason: "x" });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { message: string }).message).toContain("cannot degrade");
    expect(await get(cannot.slug)).toMatchObject({ supported: false, levels: [] });

    const deployment = await liveOnSimulator();
    await sim.control("PUT", "/sim/faults", { deployment: deployment.slug, latencyMs: 800 });
    try {
      const [first, second] = await Promise.all([
        put(deployment.slug, operator.token, { level: "reduced", reason: "first" }),
        new Promise((resolve) => setTimeout(resolve, 200)).then(() => put(deployment.slug, operator.token, { level: "off", reason: "second" })),
      ]);
      expect(first.status).toBe(200);
      expect(second.status).toBe(409);
    } finally {
      await sim.control("DELETE", "/sim/faults");
    }
    expect((await sim.serving.getStatus(deployment.slug)).degradation?.level).toBe("reduced");
  });
});
