// A policy whose action is `degrade:fallback`: a sustained breach sheds load to the fallback in the
// same evaluation tick, while the rollback it requests waits for approval. Real worker chain,
// real simulator process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUT as putPolicy } from "@/app/api/v1/deployments/[deployment]/policy/route";
import { db } from "@/lib/db";
import { startWorker } from "@/lib/jobs/worker";
import { evaluatePolicy } from "@/lib/metrics/evaluate-policy";
import { storeResolvedPoints } from "@/lib/metrics/sources/push/store";
import { startSimulatorProcess, type SimulatorProcess } from "@/lib/rollbacks/simulator-process";
import { makeDeployment, makeToken } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";

let sim: SimulatorProcess;
let approver: Awaited<ReturnType<typeof makeToken>>;

beforeAll(async () => {
  sim = await startSimulatorProcess();
  approver = await makeToken("APPROVER");
});

afterAll(async () => {
  await sim?.stop();
});

const INTERVAL_SECONDS = 5;
const policy = (floor: number) => ({
  metric: "canary_accuracy",
  direction: "higher_is_better",
  floor: { mode: "explicit", value: floor },
  windowSeconds: 60,
  evaluationIntervalSeconds: INTERVAL_SECONDS,
  minSamples: 5,
  action: "degrade:fallback",
});

/** The live v14 on the simulator (v13 pinned before it), with canary points at 0.80 from 10 minutes ago to 3 minutes ahead. */
async function breachingDeployment() {
  const { deployment, versions } = await makeDeployment({ versions: ["v13", "v14"], serving: { kind: "http", baseUrl: sim.url } });
  await sim.serving.pinVersion(deployment.slug, { version: "v13" });
  await sim.serving.pinVersion(deployment.slug, { version: "v14" });
  const v14 = versions.find((v) => v.version === "v14")!;
  const times: number[] = [];
  for (let t = Date.now() - 600_000; t < Date.now() + 180_000; t += 5_000) times.push(t);
  await storeResolvedPoints({
    deploymentIds: times.map(() => deployment.id),
    metrics: times.map(() => "canary_accuracy"),
    versionIds: times.map(() => v14.id),
    times,
    values: times.map(() => 0.8),
    counts: times.map(() => 20),
  });
  return deployment;
}

const savePolicy = async (slug: string, floor: number) => {
  const response = await putPolicy(apiRequest(`/x`, { method: "PUT", token: approver.token, body: policy(floor) }), params({ deployment: slug }));
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  return (await response.json()) as { id: string; action: string };
};

describe("a policy with action degrade:fallback", () => {
  it("degrades in the tick that detects the breach and requests a rollback that waits for approval", async () => {
    const deployment = await breachingDeployment();
    const saved = await savePolicy(deployment.slug, 0.88);
    expect(saved.action).toBe("degrade:fallback");

    const outcome = await evaluatePolicy(saved.id);
    expect(outcome).toMatchObject({ status: "evaluated", verdict: "breach", degradation: { level: "fallback", status: "applied" } });
    expect((await sim.serving.getStatus(deployment.slug)).degradation).toMatchObject({ level: "fallback", servedBy: "v13 (prior version)" });

    const row = await db().deployment.findUniqueOrThrow({ where: { id: deployment.id } });
    expect(row).toMatchObject({ degradationLevel: "FALLBACK", degradationSetBy: "reversegate" });
    const [change] = await db().degradationChange.findMany({ where: { deploymentId: deployment.id } });
    expect(change).toMatchObject({ origin: "POLICY", detectionId: outcome.status === "evaluated" ? outcome.detectionId : null, status: "APPLIED" });
    const [rollback] = await db().rollbackOperation.findMany({ where: { deploymentId: deployment.id } });
    expect(rollback?.status).toBe("AWAITING_APPROVAL");

    // The breach is still there on the next tick: no second detection, so no second change.
    await evaluatePolicy(saved.id);
    expect(await db().degradationChange.count({ where: { deploymentId: deployment.id } })).toBe(1);
  });

  it("reaches the serving plane within one evaluation interval of the breach, through the worker's chain", async () => {
    const deployment = await breachingDeployment();
    // Healthy under a floor of 0.7 first, so the chain is alive and ticking before the breach.
    const saved = await savePolicy(deployment.slug, 0.7);
    const worker = await startWorker({ rollbacks: false, log: () => {} });
    try {
      const deadline = Date.now() + 20_000;
      while ((await db().rollbackPolicy.findUniqueOrThrow({ where: { id: saved.id } })).lastVerdict !== "healthy") {
        if (Date.now() > deadline) throw new Error("the evaluation chain never ticked");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Raising the floor to 0.88 makes the whole window a breach from this moment.
      const breachAt = Date.now();
      await savePolicy(deployment.slug, 0.88);
      let elapsedMs = Number.POSITIVE_INFINITY;
      while (Date.now() - breachAt < 3 * INTERVAL_SECONDS * 1000) {
        if ((await sim.serving.getStatus(deployment.slug)).degradation?.level === "fallback") {
          elapsedMs = Date.now() - breachAt;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // One interval until the next tick, plus that tick's own work (evaluate, degrade, request).
      expect(elapsedMs).toBeLessThanOrEqual(INTERVAL_SECONDS * 1000 + 1_500);
    } finally {
      await worker.stop();
    }
  });
});
