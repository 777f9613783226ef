import "server-only";
import { db } from "@/lib/db";
import { DEMO_DEPLOYMENT, DEMO_METRIC, generateDemoSeries, type DemoSeries } from "@/lib/metrics/demo-series";
import { evaluateWindow } from "@/lib/metrics/evaluator";
import { downsampleMinMax } from "@/lib/metrics/downsample";
import { storeResolvedPoints } from "@/lib/metrics/sources/push/store";
import { DEMO_TIME_ANCHOR_KEY, demoTimeline } from "./seed-registry";

// 10-second points, as a real collector sends them (~150k points; about two seconds to store).
const INTERVAL_SECONDS = 10;
const BATCH = 20_000;

/**
 * v11's last two live weeks before v13 replaced it, at ≈0.895 with a slow daily swing: since
 * the rollback put v13 back with v11 as its prior, v13's floor is established from these.
 */
function v11History(timeline: ReturnType<typeof demoTimeline>) {
  const end = timeline.supportRouter.v13.promotedAt.getTime();
  const step = 60_000;
  const points = [];
  for (let ts = end - 14 * 86_400_000; ts < end; ts += step) {
    const daily = Math.sin((2 * Math.PI * ts) / 86_400_000) * 0.004;
    const jitter = Math.sin(ts / 7_919) * 0.003;
    points.push({ metric: DEMO_METRIC, version: "v11", ts, value: 0.895 + daily + jitter, sampleCount: 120 });
  }
  return points;
}

export type SeededMetrics = Pick<DemoSeries, "regressionStartedAt" | "detectedAt" | "rollbackStartedAt" | "rollbackCompletedAt"> & { detectionId: string };

/**
 * The worked example as history on `support-router`'s `canary_accuracy`, aligned on the registry
 * demo's v14 promotion: v13's two weeks before it, v14 at 0.92 for two days (one bad minute that
 * does not fire), the six-hour slide to 0.81, the detection where the evaluator fires, and v13
 * back at ≈0.91 from nine minutes after it. Also the demo policy and the detection row (resolved
 * when v13 carried all traffic again). The rollback operation itself is the rollbacks demo's.
 */
export async function seedMetrics(log: (line: string) => void = () => {}): Promise<SeededMetrics | null> {
  const deployment = await db().deployment.findUnique({ where: { slug: DEMO_DEPLOYMENT }, select: { id: true, modelId: true } });
  if (!deployment) {
    log("demo metrics: skipped (no support-router deployment)");
    return null;
  }
  const existing = await db().detection.findFirst({ where: { deploymentId: deployment.id, metric: DEMO_METRIC }, select: { id: true } });
  if (existing) {
    log("demo metrics: already present");
    return null;
  }
  const anchor = await db().setting.findUnique({ where: { key: DEMO_TIME_ANCHOR_KEY } });
  const now = anchor ? new Date(String(anchor.value)) : new Date();
  const timeline = demoTimeline(now);
  const demo = generateDemoSeries({ promotedAt: timeline.v14PromotedAt.getTime(), intervalSeconds: INTERVAL_SECONDS, endAt: now.getTime() });

  const versions = await db().modelVersion.findMany({ where: { modelId: deployment.modelId, version: { in: ["v11", "v13", "v14"] } }, select: { id: true, version: true } });
  const versionId = new Map(versions.map((v) => [v.version, v.id]));
  const v14 = versionId.get("v14");
  if (!v14 || !versionId.get("v13")) throw new Error("demo metrics: support-router needs versions v13 and v14");

  const started = Date.now();
  const points = [...v11History(timeline), ...demo.points];
  for (let i = 0; i < points.length; i += BATCH) {
    const batch = points.slice(i, i + BATCH);
    await storeResolvedPoints({
      deploymentIds: batch.map(() => deployment.id),
      metrics: batch.map((p) => p.metric),
      versionIds: batch.map((p) => versionId.get(p.version) as number),
      times: batch.map((p) => p.ts),
      values: batch.map((p) => p.value),
      counts: batch.map((p) => p.sampleCount),
    });
  }

  const { policy, floor } = demo;
  const verdict = evaluateWindow({
    samples: demo.points.filter((p) => p.version === "v14"),
    now: demo.detectedAt,
    windowSeconds: policy.windowSeconds,
    minSamples: policy.minSamples,
    floor: floor.value,
    direction: policy.direction,
    expectedSampleIntervalSeconds: policy.sampleIntervalSeconds,
  });
  if (verdict.verdict !== "breach") throw new Error(`demo metrics: the replayed window reads ${verdict.verdict}, not breach`);
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

  const detectionId = await db().$transaction(async (tx) => {
    const saved = await tx.rollbackPolicy.upsert({
      where: { deploymentId_metric: { deploymentId: deployment.id, metric: DEMO_METRIC } },
      create: {
        deploymentId: deployment.id,
        metric: DEMO_METRIC,
        direction: "HIGHER_IS_BETTER",
        floorMode: "PRIOR",
        floorRule: policy.floor.mode === "prior" ? { quantile: policy.floor.quantile, bucketSeconds: policy.floor.bucketSeconds, lookbackDays: policy.floor.lookbackDays, tolerance: policy.floor.tolerance } : undefined,
        windowSeconds: policy.windowSeconds,
        evaluationIntervalSeconds: policy.evaluationIntervalSeconds,
        minSamples: policy.minSamples,
        sampleIntervalSeconds: policy.sampleIntervalSeconds,
        action: "REQUEST",
      },
      update: {},
    });
    const detection = await tx.detection.create({
      data: {
        deploymentId: deployment.id,
        policyId: saved.id,
        versionId: v14,
        metric: DEMO_METRIC,
        regressionStartedAt: new Date(verdict.regressionStartedAt),
        detectedAt: new Date(verdict.detectedAt),
        timeToDetectMs: verdict.timeToDetectMs,
        windowStats: {
          version: "v14",
          windowStart: iso(verdict.windowStart),
          windowEnd: iso(verdict.windowEnd),
          ...verdict.stats,
          firstTs: iso(verdict.stats.firstTs),
          lastTs: iso(verdict.stats.lastTs),
          floor: floor.value,
          floorSource: floor.source.description,
        },
        floorValue: floor.value,
        floorSource: floor.source.description,
        evidence: downsampleMinMax(verdict.evidence, 500).map((p) => ({ ts: new Date(p.ts).toISOString(), value: p.value, sampleCount: p.sampleCount })),
        action: "REQUEST",
        resolvedAt: new Date(demo.rollbackCompletedAt),
      },
      select: { id: true },
    });
    return detection.id;
  });
  log(`demo metrics: ${points.length} canary points in ${((Date.now() - started) / 1000).toFixed(1)} s, floor ${floor.source.description}, detection ${detectionId}`);
  return {
    detectionId,
    regressionStartedAt: demo.regressionStartedAt,
    detectedAt: demo.detectedAt,
    rollbackStartedAt: demo.rollbackStartedAt,
    rollbackCompletedAt: demo.rollbackCompletedAt,
  };
}
