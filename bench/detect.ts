// `npm run bench:detect`: how long after the window condition first holds does the worker record
// the detection? A live collector sends one point a second; after two healthy minutes every point
// breaches. The moment the condition first held is found afterwards by replaying the evaluator on
// the stored points at 100 ms steps. Policy: 60-second window, evaluated every 5 seconds.
import { openThrowawayDatabase } from "@/lib/platform/local-database";

const INTERVAL_SECONDS = 5;

async function main() {
  const database = await openThrowawayDatabase({ databaseUrl: process.env.DATABASE_URL, label: "detect" });
  process.env.DATABASE_URL = database.url;
  process.env.NEXTAUTH_SECRET ??= "bench-secret-0123456789abcdef";
  const { db } = await import("@/lib/db");
  const { storeResolvedPoints } = await import("@/lib/metrics/sources/push/store");
  const { findFirstFiringTime } = await import("@/lib/metrics/evaluator");
  const { closeMetricsPool } = await import("@/lib/metrics/pg-pool");
  const { makeMetricsDeployment } = await import("@/lib/metrics/test-deployment");
  const { startWorker } = await import("@/lib/jobs/worker");
  let worker: { stop: () => Promise<void> } | null = null;
  try {
    const { deployment, v2 } = await makeMetricsDeployment({ promotedAt: new Date(Date.now() - 3_600_000) });
    const policy = await db().rollbackPolicy.create({
      data: { deploymentId: deployment.id, metric: "m", direction: "HIGHER_IS_BETTER", floorMode: "EXPLICIT", floorValue: 0.9, windowSeconds: 60, evaluationIntervalSeconds: INTERVAL_SECONDS, minSamples: 50, sampleIntervalSeconds: 1, action: "NOTIFY" },
    });
    const points: { ts: number; value: number; sampleCount: number }[] = [];
    const send = async (ts: number, value: number) => {
      points.push({ ts, value, sampleCount: 10 });
      await storeResolvedPoints({ deploymentIds: [deployment.id], metrics: ["m"], versionIds: [v2.id], times: [ts], values: [value], counts: [10] });
    };
    const healthyUntil = Date.now() + 30_000;
    for (let t = Date.now() - 90_000; t < Date.now(); t += 1000) await send(t, 0.95);
    worker = await startWorker({ log: () => {}, rollbacks: false });
    const deadline = Date.now() + 180_000;
    let detection = null;
    while (!detection && Date.now() < deadline) {
      const now = Date.now();
      await send(now, now < healthyUntil ? 0.95 : 0.8);
      detection = await db().detection.findFirst({ where: { policyId: policy.id } });
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() - now)));
    }
    if (!detection) throw new Error("no detection within three minutes");
    const firing = findFirstFiringTime({ samples: points, from: healthyUntil, windowSeconds: 60, evaluationIntervalSeconds: 0.1, minSamples: 50, floor: 0.9, direction: "higher_is_better", expectedSampleIntervalSeconds: 1 });
    if (!firing) throw new Error("the replay never fires");
    const latency = detection.createdAt.getTime() - firing.firedAt;
    console.log(`detect: condition first held at ${new Date(firing.firedAt).toISOString()}; detection stored at ${detection.createdAt.toISOString()}`);
    console.log(`detect: ${(latency / 1000).toFixed(2)} s after the condition first held (evaluation interval ${INTERVAL_SECONDS} s; time to detect recorded ${(detection.timeToDetectMs / 1000).toFixed(1)} s)`);
  } finally {
    await worker?.stop();
    await db().$disconnect();
    await closeMetricsPool();
    await database.release();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
