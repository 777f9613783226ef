// Rehearsals through the real reverse gate: the executor's worker and the serving simulator process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as startRoute } from "@/app/api/v1/deployments/[deployment]/rehearsals/route";
import { GET as getRoute } from "@/app/api/v1/rehearsals/[id]/route";
import { db } from "@/lib/db";
import { stopBoss } from "@/lib/jobs/boss";
import { rollbackOutcomes } from "@/lib/jobs/rollback-outcomes";
import { newRequestId } from "@/lib/mutation";
import { startRollbackWorker } from "@/lib/rollbacks/rollback-queue";
import { startSimulatorProcess, type SimulatorProcess } from "@/lib/rollbacks/simulator-process";
import { makeDeployment, makeDetection, makePolicy, makeToken, makeUser } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";
import { applyEvent } from "@/lib/deployments/lifecycle";
import { loadDeploymentSnapshot, saveDeploymentSnapshot } from "@/lib/deployments/snapshot-store";
import { getDeploymentReadiness, listRehearsalOverview, updateRehearsalSchedule } from "./manage-rehearsals";
import { runDueRehearsals } from "./rehearsal-schedule-job";
import { startRehearsal } from "./start-rehearsal";

let sim: SimulatorProcess;
let worker: { stop: () => Promise<void> } | null = null;

beforeAll(async () => {
  sim = await startSimulatorProcess();
  worker = await startRollbackWorker({ outcomes: rollbackOutcomes, consumerAckTimeoutMs: 2_000, log: () => {} });
});

afterAll(async () => {
  await worker?.stop();
  await stopBoss();
  await sim?.stop();
});

const operatorCtx = async () => ({ actor: (await makeUser("OPERATOR")).actor, requestId: newRequestId() });

async function liveOnSimulator() {
  const made = await makeDeployment({ versions: ["v13", "v14"], serving: { kind: "http", baseUrl: sim.url } });
  await sim.serving.pinVersion(made.deployment.slug, { version: "v14" });
  return made;
}

async function finished(id: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const row = await db().rehearsal.findUniqueOrThrow({ where: { id } });
    if (row.status !== "RUNNING") return row;
    if (Date.now() > deadline) throw new Error(`rehearsal ${id} still running`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("a rehearsal against the serving simulator", () => {
  it("passes: back to the prior version and forward again, recording each proof and both legs", async () => {
    const { deployment } = await liveOnSimulator();
    const { token } = await makeToken("OPERATOR");
    const response = await startRoute(apiRequest(`/api/v1/deployments/${deployment.slug}/rehearsals`, { token, method: "POST" }), params({ deployment: deployment.slug }));
    expect(response.status).toBe(201);
    const started = (await response.json()) as { id: string; status: string };
    expect(started.status).toBe("RUNNING");

    await finished(started.id);
    const got = await getRoute(apiRequest(`/api/v1/rehearsals/${started.id}`, { token }), params({ id: started.id }));
    const body = (await got.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ id: started.id, status: "PASSED", priorReachable: true, trafficShifted: true, consumersAcknowledged: true, failureReason: null, liveVersion: "v14", priorVersion: "v13" });
    expect(body.backLegMs).toEqual(expect.any(Number));
    expect(body.forwardLegMs).toEqual(expect.any(Number));
    // Forward again: the live version serves all traffic, as before the rehearsal.
    expect(await sim.serving.getStatus(deployment.slug)).toMatchObject({ pinnedVersion: "v14", traffic: [{ version: "v14", percent: 100 }] });
    const [overview] = (await listRehearsalOverview()).filter((o) => o.deployment === deployment.slug);
    expect(overview?.readiness).toMatchObject({ tone: "ok", label: "ready" });
  });

  it("fails with the reason when the simulator refuses the prior version, and turns readiness red", async () => {
    const { deployment } = await liveOnSimulator();
    await sim.control("PUT", "/sim/faults", { deployment: deployment.slug, refuseVersions: ["v13"] });
    try {
      const started = await startRehearsal(await operatorCtx(), { deploymentSlug: deployment.slug, trigger: "MANUAL" });
      expect(started.status).toBe("RUNNING");
      const row = await finished(started.id);
      expect(row.status).toBe("FAILED");
      expect(row.failureReason).toContain("v13 refused");
      expect(row.trafficShifted).toBe(false);
      const [overview] = (await listRehearsalOverview()).filter((o) => o.deployment === deployment.slug);
      expect(overview?.readiness).toMatchObject({ tone: "bad", label: "rehearsal failed", reason: row.failureReason });
      expect((await db().deployment.findUniqueOrThrow({ where: { id: deployment.id } })).state).toBe("STABLE");
    } finally {
      await sim.control("DELETE", "/sim/faults");
    }
  });
});

describe("readiness is about today's pair", () => {
  it("counts a pass of v14 → v13 as not rehearsed once v14 is rolled back and v13 → v11 is the way back", async () => {
    const { deployment } = await makeDeployment({ versions: ["v11", "v13", "v14"], serving: { kind: "http", baseUrl: sim.url } });
    await sim.serving.pinVersion(deployment.slug, { version: "v14" });
    const started = await startRehearsal(await operatorCtx(), { deploymentSlug: deployment.slug, trigger: "MANUAL" });
    expect((await finished(started.id)).status).toBe("PASSED");
    const readinessOf = async () => (await listRehearsalOverview()).find((o) => o.deployment === deployment.slug)!.readiness;
    expect(await readinessOf()).toMatchObject({ tone: "ok", label: "ready" });

    await db().$transaction(async (tx) => {
      let stored = await loadDeploymentSnapshot(tx, deployment.id);
      const begun = applyEvent(stored.snapshot, { type: "begin_rollback" });
      if (!begun.ok) throw new Error(begun.error.message);
      await saveDeploymentSnapshot(tx, stored, begun.value);
      stored = await loadDeploymentSnapshot(tx, deployment.id);
      const done = applyEvent(stored.snapshot, { type: "complete_rollback" });
      if (!done.ok) throw new Error(done.error.message);
      await saveDeploymentSnapshot(tx, stored, done.value, { productionFailure: { version: "v14", description: "canary below the floor" } });
    });
    expect(await readinessOf()).toMatchObject({
      tone: "warn",
      label: "not rehearsed",
      reason: "v13 → v11 has not been rehearsed; the last rehearsal passed on v14 → v13",
      lastPassedAt: null,
      lastOtherPair: { pair: "v14 → v13", status: "PASSED" },
    });
    expect(await getDeploymentReadiness(deployment.slug)).toMatchObject({ label: "not rehearsed" });
  });
});

describe("refusing to rehearse", () => {
  it("refuses during an open detection on the live version, keeping the refusal with its reason (409 from the API)", async () => {
    const { deployment, versions } = await liveOnSimulator();
    const policy = await makePolicy(deployment.id);
    await makeDetection(policy, versions.find((v) => v.version === "v14")!.id, { detectedAt: new Date(), timeToDetectMs: 600_000 });
    const { token } = await makeToken("OPERATOR");
    const response = await startRoute(apiRequest(`/api/v1/deployments/${deployment.slug}/rehearsals`, { token, method: "POST" }), params({ deployment: deployment.slug }));
    expect(response.status).toBe(409);
    const body = (await response.json()) as { message: string; rehearsalId: string; status: string };
    expect(body).toMatchObject({ status: "REFUSED", message: expect.stringContaining("open detection: canary_accuracy") });
    expect(await db().rehearsal.findUniqueOrThrow({ where: { id: body.rehearsalId } })).toMatchObject({ status: "REFUSED", failureReason: expect.stringContaining("open detection") });
    expect(await db().rollbackOperation.count({ where: { deploymentId: deployment.id } })).toBe(0);
  });

  it("refuses while a rollback is in flight, and while the canary is below its floor", async () => {
    const inFlight = await liveOnSimulator();
    const ctx = await operatorCtx();
    await db().rollbackOperation.create({
      data: { deploymentId: inFlight.deployment.id, kind: "INCIDENT", mode: "INSTANT", status: "AWAITING_APPROVAL", fromVersionId: inFlight.versions[1]!.id, toVersionId: inFlight.versions[0]!.id, reason: "x", requestedByLabel: "t" },
    });
    expect(await startRehearsal(ctx, { deploymentSlug: inFlight.deployment.slug, trigger: "MANUAL" })).toMatchObject({ status: "REFUSED", reason: expect.stringContaining("a rollback is in flight") });

    const breached = await liveOnSimulator();
    await makePolicy(breached.deployment.id, { lastVerdict: "breach" });
    expect(await startRehearsal(ctx, { deploymentSlug: breached.deployment.slug, trigger: "MANUAL" })).toMatchObject({ status: "REFUSED", reason: expect.stringContaining("below its floor") });
    expect(await db().rollbackOperation.count({ where: { deploymentId: breached.deployment.id } })).toBe(0);
  });

  it("leaves nothing half-made when the reverse gate refuses the operation (no prior version)", async () => {
    const { deployment } = await makeDeployment({ versions: ["v1"], live: "v1", prior: null, serving: { kind: "http", baseUrl: sim.url } });
    const result = await startRehearsal(await operatorCtx(), { deploymentSlug: deployment.slug, trigger: "MANUAL" });
    expect(result).toMatchObject({ status: "REFUSED", reason: expect.stringContaining("no prior pinned version") });
    expect(await db().rehearsal.count({ where: { deploymentId: deployment.id, status: "RUNNING" } })).toBe(0);
    expect(await db().rollbackOperation.count({ where: { deploymentId: deployment.id } })).toBe(0);
  });

  it("refuses a VIEWER outright, recording nothing", async () => {
    const { deployment } = await liveOnSimulator();
    const { actor } = await makeUser("VIEWER");
    await expect(startRehearsal({ actor, requestId: newRequestId() }, { deploymentSlug: deployment.slug, trigger: "MANUAL" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db().rehearsal.count({ where: { deploymentId: deployment.id } })).toBe(0);
  });
});

describe("the weekly schedule", () => {
  it("starts a due deployment once in its UTC window and not again that week; the window is an approver's to change", async () => {
    const { deployment } = await liveOnSimulator();
    const now = new Date();
    await expect(
      updateRehearsalSchedule(await operatorCtx(), deployment.slug, { enabled: true, weekday: now.getUTCDay(), hourUtc: now.getUTCHours() }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const approver = await makeUser("APPROVER");
    await expect(
      updateRehearsalSchedule({ actor: approver.actor, requestId: newRequestId() }, deployment.slug, { enabled: true, weekday: 7, hourUtc: 10 }),
    ).rejects.toMatchObject({ code: "VALIDATION", message: expect.stringContaining("weekday") });
    await updateRehearsalSchedule({ actor: approver.actor, requestId: newRequestId() }, deployment.slug, { enabled: true, weekday: now.getUTCDay(), hourUtc: now.getUTCHours() });

    const first = (await runDueRehearsals(now)).filter((s) => s.deployment === deployment.slug);
    expect(first).toEqual([{ deployment: deployment.slug, id: expect.any(String), status: "RUNNING" }]);
    expect(await db().rehearsal.findUniqueOrThrow({ where: { id: first[0]!.id } })).toMatchObject({ trigger: "SCHEDULED" });
    await finished(first[0]!.id);
    expect((await runDueRehearsals(now)).filter((s) => s.deployment === deployment.slug)).toEqual([]);
  });
});
