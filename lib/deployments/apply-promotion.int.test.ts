// Applied promotions against the real serving simulator process: serialised per deployment, read
// back after the moves, and on failure restored or recorded as they are, audited either way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as promotionsRoute } from "@/app/api/v1/deployments/[deployment]/promotions/route";
import { db } from "@/lib/db";
import { startSimulatorProcess, type SimulatorProcess } from "@/lib/rollbacks/simulator-process";
import { makeDeployment, makeModelVersion, makeRollbackPlan, makeToken } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";
import { holdLeaseInChild } from "@/lib/testing/lease-holder-process";
import { promotionLeaseKey } from "./apply-promotion";

// A consumer that never acknowledges fails the invalidation after this long (the env is read lazily).
process.env.ROLLBACK_CONSUMER_ACK_TIMEOUT_MS = "600";

let sim: SimulatorProcess;

beforeAll(async () => {
  sim = await startSimulatorProcess();
});

afterAll(async () => {
  await sim?.stop();
});

type Answer = { version: string; status: number; requestId: string | null; body: { message?: string; [key: string]: unknown } };

/** v4 live (v3 prior) in the database and on the simulator; `candidates` registered but never promoted. */
async function scene(candidates: string[], options: { blockOnUnacknowledged?: boolean } = {}) {
  const made = await makeDeployment({ versions: ["v3", "v4"], serving: { kind: "http", baseUrl: sim.url } });
  const slug = made.deployment.slug;
  for (const version of candidates) await makeModelVersion(made.model, version);
  if (options.blockOnUnacknowledged) await makeRollbackPlan(made.deployment.id, { blockOnUnacknowledged: true });
  await sim.serving.pinVersion(slug, { version: "v4" });
  const { token } = await makeToken("OPERATOR");
  const promote = async (version: string): Promise<Answer> => {
    const response = await promotionsRoute(apiRequest(`/api/v1/deployments/${slug}/promotions`, { token, body: { version, apply: true } }), params({ deployment: slug }));
    return { version, status: response.status, requestId: response.headers.get("x-request-id"), body: await response.json() };
  };
  const database = async () => {
    const row = await db().deployment.findUniqueOrThrow({ where: { id: made.deployment.id } });
    const live = row.liveVersionId === null ? null : await db().modelVersion.findUniqueOrThrow({ where: { id: row.liveVersionId } });
    return { live: live?.version ?? null, traffic: row.traffic };
  };
  const failures = () => db().auditEvent.findMany({ where: { action: "deployment.promotion_apply_failed", targetId: slug }, orderBy: { id: "asc" } });
  return { ...made, slug, promote, database, failures };
}

/** The sequence number of the simulator's latest request: what came before it is not news. */
const latestRequest = async () => (await sim.requests()).at(-1)?.seq ?? 0;

/** Resolves once the simulator has received a request to `path` with `method` after request `since`. */
async function requestArrives(method: string, path: string, since: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await sim.requests(path)).some((request) => request.method === method && request.seq > since)) {
    if (Date.now() > deadline) throw new Error(`no ${method} ${path} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Promotes `version` with every serving answer held back, and runs `meanwhile` as soon as serving
 * received the pin (applied at once, answered later): what happens next meets the apply mid-way.
 */
async function promoteInterruptedAfterPin(s: Awaited<ReturnType<typeof scene>>, version: string, meanwhile: () => Promise<unknown>): Promise<Answer> {
  await sim.control("PUT", "/sim/faults", { deployment: s.slug, latencyMs: 400 });
  try {
    const since = await latestRequest();
    const answer = s.promote(version);
    await requestArrives("PUT", `/v1/deployments/${s.slug}/pin`, since);
    await meanwhile();
    return await answer;
  } finally {
    await sim.control("DELETE", "/sim/faults");
  }
}

describe("concurrent applied promotions", () => {
  it("serialise per deployment: the database's live version is what serving shows, and every refusal names its cause", async () => {
    for (let round = 0; round < 3; round++) {
      const versions = Array.from({ length: 20 }, (_, i) => `v${i + 5}`);
      const s = await scene(versions);
      const answers = await Promise.all(versions.map((version) => s.promote(version)));

      for (const answer of answers) {
        expect([201, 409, 503], `${answer.version}: ${JSON.stringify(answer.body)}`).toContain(answer.status);
        if (answer.status !== 201) expect(answer.body.message).toMatch(/\S/);
      }
      const serving = await sim.serving.getStatus(s.slug);
      const database = await s.database();
      expect(serving.pinnedVersion, `round ${round}: serving pins ${serving.pinnedVersion}, the database has ${database.live} live`).toBe(database.live);
      expect(serving.traffic).toEqual([{ version: database.live, percent: 100 }]);
      expect(database.traffic).toEqual(serving.traffic);

      const applied = answers.filter((answer) => answer.status === 201);
      expect(applied.length, "the first apply to take the deployment completes").toBeGreaterThanOrEqual(1);
      expect(await db().promotion.count({ where: { deploymentId: s.deployment.id, applied: true } })).toBe(applied.length);
      // Every apply that reached serving and failed is audited; the others were refused before it.
      const failedApplies = answers.filter((answer) => answer.status !== 201 && answer.body.message?.startsWith("apply: "));
      expect((await s.failures()).map((event) => event.requestId).sort()).toEqual(failedApplies.map((answer) => answer.requestId).sort());
      for (const refused of answers.filter((answer) => answer.status === 409 && !failedApplies.includes(answer))) {
        expect(refused.body.message).toMatch(/^a promotion of v\d+ to \S+ by .+ is in flight since \S+; retry once it finishes$/);
      }
    }
  });

  it("answers 409 naming the promotion in flight, and the refused one moves nothing on serving", async () => {
    const s = await scene(["v5", "v6"]);
    await sim.control("PUT", "/sim/faults", { deployment: s.slug, latencyMs: 150 });
    try {
      const since = await latestRequest();
      const first = s.promote("v5");
      await requestArrives("GET", `/v1/deployments/${s.slug}`, since);
      const second = await s.promote("v6");
      expect(second.status).toBe(409);
      expect(second.body.message).toMatch(new RegExp(`^a promotion of v5 to ${s.slug} by .+ is in flight since \\S+; retry once it finishes$`));
      expect(second.body.inFlight).toMatchObject({ version: "v5" });
      expect((await first).status).toBe(201);
    } finally {
      await sim.control("DELETE", "/sim/faults");
    }
    // Two pins in all: the scene's v4, then v5's. v6 never reached the serving plane.
    expect((await sim.requests(`/v1/deployments/${s.slug}/pin`)).filter((request) => request.method === "PUT")).toHaveLength(2);
    expect(await sim.serving.getStatus(s.slug)).toMatchObject({ pinnedVersion: "v5", traffic: [{ version: "v5", percent: 100 }] });
    expect((await s.database()).live).toBe("v5");
  });
});

describe("an applied promotion that fails mid-way", () => {
  it("restores what serving showed before when a blocking consumer never acknowledges, verified and audited", async () => {
    const s = await scene(["v5"], { blockOnUnacknowledged: true });
    await sim.control("PUT", "/sim/faults", { deployment: s.slug, silentConsumers: ["triage-agent"] });
    let answer: Answer;
    try {
      answer = await s.promote("v5");
    } finally {
      await sim.control("DELETE", "/sim/faults");
    }
    expect(answer.status).toBe(503);
    expect(answer.body.message).toMatch(/^apply: invalidate_consumers: no acknowledgement within 600ms from triage-agent .*; the promotion was not recorded; serving was restored to v4 pinned with v4 100%$/);
    expect(await sim.serving.getStatus(s.slug)).toMatchObject({ pinnedVersion: "v4", traffic: [{ version: "v4", percent: 100 }] });
    expect(await s.database()).toEqual({ live: "v4", traffic: [{ version: "v4", percent: 100 }] });
    expect(await db().promotion.count({ where: { deploymentId: s.deployment.id } })).toBe(0);

    const [event, ...more] = await s.failures();
    expect(more).toEqual([]);
    expect(event?.requestId).toBe(answer.requestId);
    expect(event?.after).toMatchObject({
      version: "v5",
      step: "invalidate_consumers",
      cause: expect.stringMatching(/^no acknowledgement within 600ms from triage-agent/),
      outcome: "restored",
      servingBefore: { pinnedVersion: "v4", traffic: [{ version: "v4", percent: 100 }] },
      servingState: { pinnedVersion: "v4", traffic: [{ version: "v4", percent: 100 }] },
      databaseLive: "v4",
    });
  });

  it("restores the plane after a serving outage that begins once the new version is pinned", async () => {
    const s = await scene(["v5"]);
    // Every attempt of the next call fails (the adapter retries three times), then serving is back.
    const { status, body } = await promoteInterruptedAfterPin(s, "v5", () => sim.control("PUT", "/sim/faults", { deployment: s.slug, failNextRequests: 4 }));
    expect(status).toBe(503);
    expect(body.message).toMatch(/^apply: shift_traffic: .*simulated outage.*; the promotion was not recorded; serving was restored to v4 pinned with v4 100%$/);
    expect(await sim.serving.getStatus(s.slug)).toMatchObject({ pinnedVersion: "v4", traffic: [{ version: "v4", percent: 100 }] });
    expect((await s.database()).live).toBe("v4");
    const [event] = await s.failures();
    expect(event?.after).toMatchObject({ step: "shift_traffic", outcome: "restored", servingState: { pinnedVersion: "v4" } });
  });

  it("records exactly what serving shows when it cannot be restored, in the audit log and the deployment's traffic", async () => {
    const s = await scene(["v5"]);
    // From the pin on, serving refuses both versions: v5 cannot take traffic, and v4 cannot be pinned back.
    const { status, body } = await promoteInterruptedAfterPin(s, "v5", () => sim.control("PUT", "/sim/faults", { deployment: s.slug, refuseVersions: ["v4", "v5"] }));
    expect(status).toBe(503);
    const serving = await sim.serving.getStatus(s.slug);
    expect(serving).toMatchObject({ pinnedVersion: "v5" });
    expect(body.message).toMatch(/^apply: shift_traffic: .*version v5 refused.*; the promotion was not recorded; restoring v4 failed at pin: .*; serving shows v5 pinned with v4 100% while the database has v4 live$/);
    const [event] = await s.failures();
    expect(event?.after).toMatchObject({
      step: "shift_traffic",
      outcome: "restore_failed",
      restore: { step: "pin", cause: expect.stringMatching(/version v4 refused/) },
      servingState: { pinnedVersion: "v5", traffic: [{ version: "v4", percent: 100 }] },
      databaseLive: "v4",
    });
    // The database's record of serving traffic is what serving showed; the live version did not move.
    expect(await s.database()).toEqual({ live: "v4", traffic: serving.traffic });
  });
});

describe("an applied promotion meeting a rollback", () => {
  it("stops when a rollback is approved mid-apply and leaves serving to it, audited with what serving shows", async () => {
    const s = await scene(["v5"]);
    const [v3, v4] = s.versions;
    const approved = { deploymentId: s.deployment.id, mode: "INSTANT", status: "APPROVED", fromVersionId: v4!.id, toVersionId: v3!.id, reason: "canary regression", requestedByLabel: "on-call" } as const;
    let rollback = { id: "" };
    const { status, body, requestId } = await promoteInterruptedAfterPin(s, "v5", async () => (rollback = await db().rollbackOperation.create({ data: approved })));
    expect(status).toBe(409);
    expect(body.message).toBe(
      `apply: shift_traffic: rollback ${rollback.id} is APPROVED on ${s.slug} and takes serving over; the promotion was not recorded; serving was left to it and shows v5 pinned with v4 100%`,
    );
    expect(await sim.serving.getStatus(s.slug)).toMatchObject({ pinnedVersion: "v5", traffic: [{ version: "v4", percent: 100 }] });
    const [event] = await s.failures();
    expect(event?.requestId).toBe(requestId);
    expect(event?.after).toMatchObject({ step: "shift_traffic", outcome: "yielded", servingState: { pinnedVersion: "v5" }, databaseLive: "v4" });
  });
});

describe("an applied promotion whose process died", () => {
  it("holds the deployment until its lease expires; the next apply says it was abandoned and what serving showed", async () => {
    const s = await scene(["v5", "v7"]);
    // A process that took the deployment to promote v7, moved serving half-way, and was killed.
    const dead = await holdLeaseInChild(promotionLeaseKey(s.deployment.id), 1_500, { version: "v7", actor: "token:ci-deploy", requestId: "req-dead" });
    try {
      await sim.serving.pinVersion(s.slug, { version: "v7" });
      const refused = await s.promote("v5");
      expect(refused.status).toBe(409);
      expect(refused.body.message).toMatch(new RegExp(`^a promotion of v7 to ${s.slug} by token:ci-deploy is in flight since `));
    } finally {
      await dead.kill();
    }
    let answer = await s.promote("v5");
    for (const deadline = Date.now() + 5_000; answer.status === 409 && Date.now() < deadline; answer = await s.promote("v5")) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(answer.status).toBe(201);
    const abandoned = await db().auditEvent.findMany({ where: { action: "deployment.promotion_apply_abandoned", targetId: s.slug } });
    expect(abandoned).toHaveLength(1);
    expect(abandoned[0]?.after).toMatchObject({
      abandoned: { version: "v7", actor: "token:ci-deploy", requestId: "req-dead" },
      servingState: { pinnedVersion: "v7", traffic: [{ version: "v4", percent: 100 }] },
      databaseLive: "v4",
      takenOverBy: { version: "v5", requestId: answer.requestId },
    });
    expect(await sim.serving.getStatus(s.slug)).toMatchObject({ pinnedVersion: "v5", traffic: [{ version: "v5", percent: 100 }] });
    expect((await s.database()).live).toBe("v5");
  });
});
