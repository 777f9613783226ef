// The executor against the real serving simulator process, through pg-boss jobs.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as promotionsRoute } from "@/app/api/v1/deployments/[deployment]/promotions/route";
import { db } from "@/lib/db";
import { stopBoss } from "@/lib/jobs/boss";
import { rollbackOutcomes } from "@/lib/jobs/rollback-outcomes";
import { newRequestId } from "@/lib/mutation";
import { makeDeployment, makeToken } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";
import { dwelling, finishedRollback, isServingChange, makeIncident, servingChanges, type IncidentOptions } from "@/lib/testing/rollback-scene";
import { retryRollback } from "./decide-rollback";
import { startRollbackWorker } from "./rollback-queue";
import { getRollback } from "./rollback-views";
import { startSimulatorProcess, type SimulatorProcess } from "./simulator-process";

const ACK_TIMEOUT_MS = 700;
let sim: SimulatorProcess;
let worker: { stop: () => Promise<void> } | null = null;

const startWorker = () => startRollbackWorker({ outcomes: rollbackOutcomes, consumerAckTimeoutMs: ACK_TIMEOUT_MS, log: () => {} });

const finished = (id: string) => finishedRollback(id);
const incident = (options: IncidentOptions = {}) => makeIncident(sim, options);

async function auditActions(id: string): Promise<string[]> {
  const events = await db().auditEvent.findMany({ where: { targetType: "rollback", targetId: id }, orderBy: { id: "asc" } });
  return events.map((event) => event.action);
}

beforeAll(async () => {
  sim = await startSimulatorProcess();
  worker = await startWorker();
});

afterAll(async () => {
  await worker?.stop();
  await stopBoss();
  await sim?.stop();
});

describe("executing a rollback on the serving simulator", () => {
  it("ramps back 10% then 100% with a dwell, and records the rollback everywhere", async () => {
    const scene = await incident();
    const { id } = await scene.request("ramp");
    await sim.control("DELETE", "/sim/requests");
    await scene.approve(id);
    const op = await finished(id);
    expect(op).toMatchObject({ status: "COMPLETED", failureReason: null });

    const serving = await sim.serving.getStatus(scene.deployment.slug);
    expect(serving).toMatchObject({ pinnedVersion: "v13", traffic: [{ version: "v13", percent: 100 }] });
    expect(serving.manifest).toMatchObject({ version: "v13", promptTemplate: "prompt@v13" });
    const traffic = await sim.requests(`/v1/deployments/${scene.deployment.slug}/traffic`);
    expect(traffic.map((r) => r.status)).toEqual([200, 200]);

    const deployment = await db().deployment.findUniqueOrThrow({ where: { id: scene.deployment.id }, include: { versions: true } });
    expect(deployment).toMatchObject({ state: "STABLE", liveVersionId: scene.id("v13"), priorVersionId: scene.id("v12"), traffic: [{ version: "v13", percent: 100 }] });
    const bad = deployment.versions.find((v) => v.versionId === scene.id("v14"))!;
    expect(bad.status).toBe("ROLLED_BACK");
    expect(bad.productionFailure).toContain("canary accuracy 0.81 below the 0.88 floor");
    expect(await db().postmortem.count({ where: { rollbackId: id } })).toBe(1);

    const view = await getRollback(id);
    expect(view.steps.map((s) => [s.name, s.percent, s.status])).toEqual([
      ["preflight", null, "SUCCEEDED"],
      ["restore_manifest", null, "SUCCEEDED"],
      ["pin_prior", null, "SUCCEEDED"],
      ["shift_traffic", 10, "SUCCEEDED"],
      ["shift_traffic", 100, "SUCCEEDED"],
      ["invalidate_consumers", null, "SUCCEEDED"],
      ["verify", null, "SUCCEEDED"],
    ]);
    // The 10% stage dwelt for its second while the canary was watched.
    expect(view.steps[3]!.durationMs).toBeGreaterThanOrEqual(1_000);
    expect(view.timeToDetectMs).toBe(420_000);
    expect(view.timeToRollbackMs).toBeGreaterThanOrEqual(60_000);
    expect(view.timeToDecideMs! + view.timeToExecuteMs!).toBeLessThanOrEqual(view.timeToRollbackMs!);
    expect(view.timeToExecuteMs).toBeGreaterThan(0);
    expect(await db().detection.findUniqueOrThrow({ where: { id: scene.detection.id } })).toMatchObject({ resolvedAt: op.completedAt });
    expect(await auditActions(id)).toEqual(expect.arrayContaining(["rollback.requested", "rollback.approved", "rollback.started", "rollback.completed"]));
  });

  it("flips instantly: one traffic change straight to 100% on the prior", async () => {
    const scene = await incident();
    const { id } = await scene.request("instant");
    await sim.control("DELETE", "/sim/requests");
    await scene.approve(id);
    expect(await finished(id)).toMatchObject({ status: "COMPLETED" });
    const view = await getRollback(id);
    expect(view.steps.filter((s) => s.name === "shift_traffic").map((s) => s.percent)).toEqual([100]);
    expect(await sim.requests(`/v1/deployments/${scene.deployment.slug}/traffic`)).toHaveLength(1);
    expect((await sim.serving.getStatus(scene.deployment.slug)).traffic).toEqual([{ version: "v13", percent: 100 }]);
    expect((await db().deployment.findUniqueOrThrow({ where: { id: scene.deployment.id } })).liveVersionId).toBe(scene.id("v13"));
  });

  it("retries through two serving failures and completes", async () => {
    const scene = await incident();
    const { id } = await scene.request("instant");
    await sim.control("DELETE", "/sim/requests");
    await sim.control("PUT", "/sim/faults", { deployment: scene.deployment.slug, failNextRequests: 2 });
    try {
      await scene.approve(id);
      expect(await finished(id)).toMatchObject({ status: "COMPLETED" });
    } finally {
      await sim.control("DELETE", "/sim/faults");
    }
    const requests = await sim.requests();
    const mine = requests.filter((r) => r.path.startsWith(`/v1/deployments/${scene.deployment.slug}`));
    expect(mine.slice(0, 3).map((r) => r.status)).toEqual([503, 503, 200]);
    expect((await sim.serving.getStatus(scene.deployment.slug)).pinnedVersion).toBe("v13");
  });

  it("fails with the cause when the serving API is down, leaving v14 live in the database", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const scene = await incident({ servingBaseUrl: `http://127.0.0.1:${port}`, pinOnSimulator: false });
    const { id } = await scene.request("instant");
    await scene.approve(id);
    const op = await finished(id);
    expect(op.status).toBe("FAILED");
    expect(op.failureReason).toMatch(new RegExp(`^preflight: serving API unreachable after 4 attempts \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)$`));

    const deployment = await db().deployment.findUniqueOrThrow({ where: { id: scene.deployment.id }, include: { versions: true } });
    expect(deployment).toMatchObject({ state: "STABLE", liveVersionId: scene.id("v14"), priorVersionId: scene.id("v13") });
    expect(deployment.versions.find((v) => v.versionId === scene.id("v14"))!.status).toBe("LIVE");
    const view = await getRollback(id);
    expect(view.steps[0]).toMatchObject({ name: "preflight", status: "FAILED", attempts: 1, error: expect.stringContaining("ECONNREFUSED") });
    expect(view.steps.slice(1).every((s) => s.status === "PENDING")).toBe(true);

    expect(await auditActions(id)).toEqual(["rollback.requested", "rollback.approved", "rollback.started", "rollback.failed"]);
    const failed = await db().auditEvent.findFirstOrThrow({ where: { targetId: id, action: "rollback.failed" } });
    expect(failed.after).toMatchObject({ databaseLive: "v14", note: expect.stringContaining("half-moved") });
    // FAILED still holds the deployment's one rollback slot until someone retries or cancels.
    await expect(scene.request("instant")).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("names a consumer that never acknowledges and completes with a warning when the rollback plan does not block", async () => {
    const scene = await incident({ blockOnUnacknowledged: false });
    await sim.control("PUT", `/sim/deployments/${scene.deployment.slug}/consumers`, { ids: ["triage-agent", "reply-drafter"] });
    await sim.control("PUT", "/sim/faults", { deployment: scene.deployment.slug, silentConsumers: ["reply-drafter"] });
    try {
      const { id } = await scene.request("instant");
      await scene.approve(id);
      expect(await finished(id)).toMatchObject({ status: "COMPLETED" });
      const view = await getRollback(id);
      const step = view.steps.find((s) => s.name === "invalidate_consumers")!;
      expect(step.detail).toMatchObject({ acknowledged: ["triage-agent"], unacknowledged: ["reply-drafter"] });
      expect(view.warnings).toEqual([expect.stringContaining("reply-drafter")]);
    } finally {
      await sim.control("DELETE", "/sim/faults");
    }
  });

  it("fails naming the silent consumer when the rollback plan blocks on it, and a retry skips what serving already shows", async () => {
    const scene = await incident({ blockOnUnacknowledged: true });
    await sim.control("PUT", `/sim/deployments/${scene.deployment.slug}/consumers`, { ids: ["triage-agent", "reply-drafter"] });
    await sim.control("PUT", "/sim/faults", { deployment: scene.deployment.slug, silentConsumers: ["reply-drafter"] });
    const { id } = await scene.request("instant");
    await scene.approve(id);
    const op = await finished(id);
    expect(op.status).toBe("FAILED");
    expect(op.failureReason).toBe("invalidate_consumers: no acknowledgement within 700ms from reply-drafter (the rollback plan blocks on unacknowledged consumers)");
    expect((await db().deployment.findUniqueOrThrow({ where: { id: scene.deployment.id } })).liveVersionId).toBe(scene.id("v14"));

    // The consumer speaks again; the retry re-checks each step against the serving plane.
    await sim.control("DELETE", "/sim/faults");
    await sim.control("DELETE", "/sim/requests");
    await retryRollback({ actor: scene.operator.actor, requestId: newRequestId() }, id);
    expect(await finished(id)).toMatchObject({ status: "COMPLETED" });
    const view = await getRollback(id);
    expect(view.steps.map((s) => s.status)).toEqual(["SUCCEEDED", "SKIPPED", "SKIPPED", "SKIPPED", "SUCCEEDED", "SUCCEEDED"]);
    const changes = (await sim.requests()).filter(isServingChange);
    expect(changes).toEqual([]);
    expect((await db().deployment.findUniqueOrThrow({ where: { id: scene.deployment.id } })).liveVersionId).toBe(scene.id("v13"));
  });
});

/** A request that changes the serving plane: not a read, and not the manifest preflight (a read-only check sent as POST). */
describe("a serving backend that lacks capabilities", () => {
  it("skips the steps it cannot do, with the reason on record, and still completes", async () => {
    const scene = await incident({ lacking: ["manifestRestore", "consumerInvalidation", "manifestPreflight"] });
    await sim.control("PUT", `/sim/deployments/${scene.deployment.slug}/consumers`, { ids: ["triage-agent"] });
    const { id } = await scene.request("instant");
    await sim.control("DELETE", "/sim/requests");
    await scene.approve(id);
    expect(await finished(id)).toMatchObject({ status: "COMPLETED" });
    const steps = (await getRollback(id)).steps;
    expect(steps.find((s) => s.name === "preflight")?.detail).toMatchObject({
      manifestPreflight: { skipped: "the serving backend cannot check that a version's state artifacts answer before a rollback" },
    });
    expect(steps.find((s) => s.name === "restore_manifest")).toMatchObject({
      status: "SKIPPED",
      detail: { reason: "the serving backend cannot restore a version's state manifest", capability: "manifestRestore" },
    });
    expect(steps.find((s) => s.name === "invalidate_consumers")).toMatchObject({
      status: "SKIPPED",
      detail: { reason: "the serving backend cannot tell consumers to drop cached state", capability: "consumerInvalidation" },
    });
    const slug = scene.deployment.slug;
    const changes = (await sim.requests()).filter(isServingChange).map((r) => `${r.method} ${r.path.replace(`/v1/deployments/${slug}`, "")}`);
    expect(changes).toEqual(["PUT /pin", "PUT /traffic"]);
    expect(await db().auditEvent.count({ where: { targetId: id, action: "rollback.step_skipped" } })).toBe(2);
  });

  it("refuses a ramp it cannot do, naming the mode", async () => {
    const scene = await incident({ lacking: ["ramp"] });
    await expect(scene.request("ramp")).rejects.toMatchObject({ code: "VALIDATION", message: "mode: ramp is not possible here: the serving backend cannot split traffic between versions" });
  });

  it("skips a ramp's partial stage when the backend lost the ability after the request", async () => {
    const scene = await incident();
    const { id } = await scene.request("ramp");
    await db().deployment.update({
      where: { id: scene.deployment.id },
      data: { servingConfig: { baseUrl: sim.url, secretEnv: "SERVING_SECRET", capabilities: { ramp: false } } },
    });
    await sim.control("DELETE", "/sim/requests");
    await scene.approve(id);
    expect(await finished(id)).toMatchObject({ status: "COMPLETED" });
    const shifts = (await getRollback(id)).steps.filter((s) => s.name === "shift_traffic");
    expect(shifts.map((s) => [s.percent, s.status, s.detail?.reason])).toEqual([
      [10, "SKIPPED", "the serving backend cannot split traffic between versions"],
      [100, "SUCCEEDED", undefined],
    ]);
    expect(await sim.requests(`/v1/deployments/${scene.deployment.slug}/traffic`)).toHaveLength(1);
  });
});

describe("a worker stopped mid-ramp", () => {
  it("is resumed by the next worker from the last persisted step, repeating nothing on the serving plane", async () => {
    await worker?.stop();
    worker = null;
    const scene = await incident({ dwellSeconds: 3 });
    const { id } = await scene.request("ramp");
    await sim.control("DELETE", "/sim/requests");
    const first = await startWorker();
    await scene.approve(id);
    await dwelling(id, 3);
    await first.stop();

    const paused = await getRollback(id);
    expect(paused.status).toBe("EXECUTING");
    expect(paused.steps.map((s) => s.status)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "RUNNING", "PENDING", "PENDING", "PENDING"]);
    expect((await db().deployment.findUniqueOrThrow({ where: { id: scene.deployment.id } })).state).toBe("ROLLING_BACK");

    worker = await startWorker();
    expect(await finished(id)).toMatchObject({ status: "COMPLETED" });
    const view = await getRollback(id);
    expect(view.steps.map((s) => s.status)).toEqual(Array(7).fill("SUCCEEDED"));
    expect(view.steps[3]!.attempts).toBe(2);
    expect(await servingChanges(sim, scene.deployment.slug)).toEqual(["PUT /manifest", "PUT /pin", "PUT /traffic", "PUT /traffic", "POST /invalidations"]);
  });
});

describe("rolling forward with apply: true", () => {
  async function withCandidate(servingBaseUrl: string) {
    const made = await makeDeployment({ versions: ["v13", "v14"], serving: { kind: "http", baseUrl: servingBaseUrl } });
    const v15 = await db().modelVersion.create({
      data: {
        modelId: made.model.id,
        version: "v15",
        artifactUri: "s3://models/x/v15",
        artifactDigest: `sha256:${"a".repeat(64)}`,
        manifest: { weightsDigest: `sha256:${"b".repeat(64)}`, promptTemplate: "prompt@v15", sharedContextEpoch: "epoch-7" },
        registeredBy: "test",
      },
    });
    const { token } = await makeToken("OPERATOR");
    const promote = (body: unknown) =>
      promotionsRoute(apiRequest(`/api/v1/deployments/${made.deployment.slug}/promotions`, { token, body }), params({ deployment: made.deployment.slug }));
    return { ...made, v15, promote };
  }

  it("pins the promoted version on the serving plane, then records the promotion as applied", async () => {
    const scene = await withCandidate(sim.url);
    await sim.serving.pinVersion(scene.deployment.slug, { version: "v14" });
    const response = await scene.promote({ version: "v15", apply: true });
    expect(response.status).toBe(201);
    expect((await response.json()).promotion).toMatchObject({ version: "v15", applied: true });
    const serving = await sim.serving.getStatus(scene.deployment.slug);
    expect(serving).toMatchObject({ pinnedVersion: "v15", traffic: [{ version: "v15", percent: 100 }] });
    expect(serving.manifest).toMatchObject({ version: "v15", promptTemplate: "prompt@v15", extras: { sharedContextEpoch: "epoch-7" } });
    expect(await db().deployment.findUniqueOrThrow({ where: { id: scene.deployment.id } })).toMatchObject({ liveVersionId: scene.v15.id });
    expect(await db().auditEvent.count({ where: { action: "deployment.promotion_applied", targetId: scene.deployment.slug } })).toBe(1);
  });

  it("records nothing when the serving plane cannot take the version", async () => {
    const scene = await withCandidate(sim.url);
    await sim.serving.pinVersion(scene.deployment.slug, { version: "v14" });
    await sim.control("PUT", "/sim/faults", { deployment: scene.deployment.slug, refuseVersions: ["v15"] });
    try {
      const response = await scene.promote({ version: "v15", apply: true });
      expect(response.status).toBe(503);
      expect((await response.json()).message).toMatch(/^apply: pin_prior: serving API refused the request \(.*version v15 refused\); the promotion was not recorded; serving still shows v14 pinned with v14 100%, as before$/);
    } finally {
      await sim.control("DELETE", "/sim/faults");
    }
    expect(await db().promotion.count({ where: { deploymentId: scene.deployment.id } })).toBe(0);
    expect((await db().deployment.findUniqueOrThrow({ where: { id: scene.deployment.id } })).liveVersionId).toBe(scene.versions[1]!.id);
  });
});
