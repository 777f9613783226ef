// Readiness measured by real rehearsals against the real simulator process: the three indicators
// and the rollback SLO, through GET /api/v1/deployments/{deployment}/readiness.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as readinessRoute } from "@/app/api/v1/deployments/[deployment]/readiness/route";
import { db } from "@/lib/db";
import { putRollbackPlan } from "@/lib/deployments/rollback-plan-store";
import { DEFAULT_ROLLBACK_PLAN } from "@/lib/deployments/rollback-plan";
import { stopBoss } from "@/lib/jobs/boss";
import { rollbackOutcomes } from "@/lib/jobs/rollback-outcomes";
import { newRequestId } from "@/lib/mutation";
import { startRollbackWorker } from "@/lib/rollbacks/rollback-queue";
import { startSimulatorProcess, type SimulatorProcess } from "@/lib/rollbacks/simulator-process";
import { makeDeployment, makeToken, makeUser } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";
import { getDeploymentReadiness } from "./manage-rehearsals";
import type { ReadinessReport } from "./readiness-report-schema";
import { startRehearsal } from "./start-rehearsal";

let sim: SimulatorProcess;
let worker: { stop: () => Promise<void> } | null = null;
let viewer: Awaited<ReturnType<typeof makeToken>>;

beforeAll(async () => {
  sim = await startSimulatorProcess();
  worker = await startRollbackWorker({ outcomes: rollbackOutcomes, consumerAckTimeoutMs: 3_000, log: () => {} });
  viewer = await makeToken("VIEWER");
});

afterAll(async () => {
  await worker?.stop();
  await stopBoss();
  await sim?.stop();
});

const ctx = async (role: "OPERATOR" | "APPROVER") => ({ actor: (await makeUser(role)).actor, requestId: newRequestId() });
const checkpoint = (version: string) => `memory-ckpt-${version}`;

/** v14 live on the simulator after v13, each version's manifest with a vector index and a memory checkpoint, on an instant plan with `slo`. */
async function deploymentWithSlo(sloRollbackSeconds: number | null) {
  const { deployment, versions } = await makeDeployment({ versions: ["v13", "v14"], serving: { kind: "http", baseUrl: sim.url } });
  for (const v of versions) {
    await db().modelVersion.update({ where: { id: v.id }, data: { manifest: { ...(v.manifest as object), agentMemoryCheckpoint: checkpoint(v.version) } } });
  }
  await sim.control("PUT", `/sim/deployments/${deployment.slug}/consumers`, {
    ids: ["triage-agent", "reply-drafter", "escalation-agent"],
    ackDelaysMs: { "triage-agent": 20, "reply-drafter": 400, "escalation-agent": 120 },
  });
  await sim.serving.pinVersion(deployment.slug, { version: "v13" });
  await sim.serving.pinVersion(deployment.slug, { version: "v14" });
  await putRollbackPlan(await ctx("APPROVER"), deployment.slug, { ...DEFAULT_ROLLBACK_PLAN, mode: "instant", sloRollbackSeconds });
  return deployment;
}

async function rehearse(slug: string) {
  const started = await startRehearsal(await ctx("OPERATOR"), { deploymentSlug: slug, trigger: "MANUAL" });
  if (started.status !== "RUNNING") throw new Error(`rehearsal refused: ${started.reason}`);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const row = await db().rehearsal.findUniqueOrThrow({ where: { id: started.id } });
    if (row.status !== "RUNNING") return row;
    if (Date.now() > deadline) throw new Error("rehearsal still running");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const report = async (slug: string) => {
  const response = await readinessRoute(apiRequest(`/api/v1/deployments/${slug}/readiness`, { token: viewer.token }), params({ deployment: slug }));
  expect(response.status).toBe(200);
  return (await response.json()) as ReadinessReport;
};

describe("readiness indicators from real rehearsals", () => {
  it("shows consensus latency per consumer, manifest reachability and memory divergence, with history", async () => {
    const deployment = await deploymentWithSlo(60);
    // The plane holds v13's memory checkpoint while v14 is live: divergent before the first rehearsal.
    await sim.serving.restoreManifest(deployment.slug, { version: "v14", manifest: { weightsDigest: "sha256:ab", agentMemoryCheckpoint: checkpoint("v13") } });

    expect((await rehearse(deployment.slug)).status).toBe("PASSED");
    const first = await report(deployment.slug);
    expect(first.slo).toEqual({ rollbackSeconds: 60, detectSeconds: null });
    expect(first.verdict).toMatchObject({ tone: "ok", label: "ready" });
    expect(first.verdict.reason).toMatch(/% of the 1m rollback SLO/);

    const acks = first.indicators.consumerAcknowledgement;
    expect(acks.perConsumer.map((c) => c.consumer)).toEqual(["escalation-agent", "reply-drafter", "triage-agent"]);
    const byConsumer = new Map(acks.perConsumer.map((c) => [c.consumer, c]));
    // Each leg invalidates once: two samples per consumer, at the simulator's configured delays.
    expect(byConsumer.get("reply-drafter")).toMatchObject({ samples: 2, p50Ms: 400, p95Ms: 400, unacknowledged: 0 });
    expect(byConsumer.get("triage-agent")).toMatchObject({ p50Ms: 20 });
    expect(acks.slowest).toEqual({ consumer: "reply-drafter", p95Ms: 400 });
    expect(acks.history).toHaveLength(2);
    expect(acks.history[0]).toMatchObject({ slowestConsumer: "reply-drafter", maxLatencyMs: 400 });

    expect(first.indicators.manifestReachability.latest).toMatchObject({
      reachable: true,
      artifacts: [
        { artifact: "vectorIndexSnapshot", ref: "idx-v13", reachable: true },
        { artifact: "agentMemoryCheckpoint", ref: checkpoint("v13"), reachable: true },
      ],
    });
    expect(first.indicators.memoryDivergence.latest).toMatchObject({ checkpointVersion: "v13", diverged: true });
    expect(first.indicators.memoryDivergence.latest?.divergedForMs).toBeGreaterThanOrEqual(0);

    // The rehearsal's forward leg restored v14's own manifest: the next one finds memory in step.
    expect((await rehearse(deployment.slug)).status).toBe("PASSED");
    const second = await report(deployment.slug);
    expect(second.indicators.memoryDivergence.history.map((h) => h.diverged)).toEqual([true, false]);
    expect(second.indicators.memoryDivergence.latest).toMatchObject({ checkpointVersion: "v14", diverged: false, divergedForMs: null });
    expect(second.indicators.manifestReachability.history).toHaveLength(2);
    expect(second.indicators.consumerAcknowledgement.history).toHaveLength(4);
    expect(second.rehearsals.map((r) => r.status)).toEqual(["PASSED", "PASSED"]);
    for (const r of second.rehearsals) expect(r.sloShare).toBeGreaterThan(0);
  });

  it("turns red with the reason when a rehearsal rolls back slower than the SLO", async () => {
    const deployment = await deploymentWithSlo(1);
    // Every answer of the plane takes 300 ms: the back leg takes well over a second.
    await sim.control("PUT", "/sim/faults", { deployment: deployment.slug, latencyMs: 300 });
    try {
      const rehearsal = await rehearse(deployment.slug);
      expect(rehearsal.status).toBe("PASSED");
      expect(rehearsal.backLegMs).toBeGreaterThan(1_000);
    } finally {
      await sim.control("DELETE", "/sim/faults");
    }
    const readiness = await getDeploymentReadiness(deployment.slug);
    expect(readiness).toMatchObject({ tone: "bad", label: "over SLO" });
    expect(readiness.reason).toMatch(/^the last rehearsal rolled back in \d+(\.\d)?s, over the 1s rollback SLO$/);
    expect((await report(deployment.slug)).verdict).toMatchObject({ tone: "bad", label: "over SLO", reason: readiness.reason });
  });

  it("fails the rehearsal at preflight when the prior's memory checkpoint does not answer, and says so", async () => {
    const deployment = await deploymentWithSlo(60);
    await sim.control("PUT", "/sim/faults", { deployment: deployment.slug, unreachableArtifacts: [checkpoint("v13")] });
    const before = await sim.serving.getStatus(deployment.slug);
    try {
      const rehearsal = await rehearse(deployment.slug);
      expect(rehearsal.status).toBe("FAILED");
      expect(rehearsal.failureReason).toContain(`preflight: v13's state did not answer the preflight: agentMemoryCheckpoint ${checkpoint("v13")}`);
    } finally {
      await sim.control("DELETE", "/sim/faults");
    }
    const { verdict, indicators } = await report(deployment.slug);
    expect(verdict.tone).toBe("bad");
    expect(indicators.manifestReachability.latest).toMatchObject({ reachable: false });
    // Nothing moved on the plane.
    expect(await sim.serving.getStatus(deployment.slug)).toMatchObject({ pinnedVersion: "v14", revision: before.revision, traffic: before.traffic });
  });
});
