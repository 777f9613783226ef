// `npm run bench:prometheus`: how long one evaluation tick of a Prometheus-sourced policy takes
// (`evaluatePolicy`: read the floor and the window from Prometheus, judge, record), against
// Debian's Prometheus on backfilled data. The live version has been live eight hours, so each
// tick reads the window plus the six hours the regression start may be walked back over.
//   - the ratio query, 10-minute window at 10 s, explicit floor (and its query_range alone);
//   - the same with a prior floor (7-day p10 of 1-hour means): the first tick reads the prior's
//     week, later ticks reuse it;
//   - a 1-second sample interval: 22,000 instants a tick, split into three query_range requests.
import { openThrowawayDatabase } from "@/lib/platform/local-database";
import { startPrometheus, type PromSeries } from "@/lib/testing/prometheus";
import { percentile } from "./harness";

const TICKS = 100;
const HOUR = 3_600_000;
const RATIO = 'sum(rate(router_correct_total{version="{{version}}"}[1m])) / sum(rate(router_requests_total{version="{{version}}"}[1m]))';

function router(version: string, from: number, to: number, stepMs: number): PromSeries[] {
  const requests: [number, number][] = [];
  const correct: [number, number][] = [];
  for (let ts = from, n = 1; ts <= to; ts += stepMs, n++) {
    requests.push([ts, n * 100]);
    correct.push([ts, n * 92 + (n % 7)]);
  }
  return [
    { name: "router_requests_total", type: "counter", labels: { version }, samples: requests },
    { name: "router_correct_total", type: "counter", labels: { version }, samples: correct },
  ];
}

async function main() {
  const now = Date.now();
  const promotedAt = now - 8 * HOUR;
  console.log("[bench] backfilling Prometheus: v1 for the week before the promotion, v2 since (1-second samples)…");
  const prometheus = await startPrometheus({ series: [...router("v1", promotedAt - 8 * 24 * HOUR, promotedAt - 15_000, 15_000), ...router("v2", promotedAt, now, 1000)] });
  const database = await openThrowawayDatabase({ databaseUrl: process.env.DATABASE_URL, label: "prometheus" });
  process.env.DATABASE_URL = database.url;
  process.env.NEXTAUTH_SECRET ??= "bench-secret-0123456789abcdef";
  const { db } = await import("@/lib/db");
  const { evaluatePolicy } = await import("@/lib/metrics/evaluate-policy");
  const { closeMetricsPool } = await import("@/lib/metrics/pg-pool");
  const { makeMetricsDeployment } = await import("@/lib/metrics/test-deployment");
  const { metricSourceFor } = await import("@/lib/metrics/sources/for-policy");
  try {
    const policy = async (data: { floorMode: "EXPLICIT" | "PRIOR"; sampleIntervalSeconds: number; minSamples: number }) => {
      const { deployment } = await makeMetricsDeployment({ promotedAt: new Date(promotedAt) });
      return db().rollbackPolicy.create({
        data: {
          deploymentId: deployment.id,
          metric: "canary_accuracy",
          sourceKind: "prometheus",
          sourceConfig: { url: prometheus.url, query: RATIO, timeoutSeconds: 10 },
          direction: "HIGHER_IS_BETTER",
          floorMode: data.floorMode,
          floorValue: data.floorMode === "EXPLICIT" ? 0.85 : null,
          floorRule: data.floorMode === "PRIOR" ? { quantile: 0.1, bucketSeconds: 3600, lookbackDays: 7, tolerance: 0.005 } : undefined,
          windowSeconds: 600,
          evaluationIntervalSeconds: 10,
          minSamples: data.minSamples,
          sampleIntervalSeconds: data.sampleIntervalSeconds,
          action: "NOTIFY",
        },
      });
    };
    const tick = async (policyId: string) => {
      const started = performance.now();
      const outcome = await evaluatePolicy(policyId);
      const ms = performance.now() - started;
      if (outcome.status !== "evaluated" || outcome.verdict !== "healthy") throw new Error(`expected a healthy verdict, got ${JSON.stringify(outcome)}`);
      return ms;
    };
    const measure = async (label: string, policyId: string) => {
      const first = await tick(policyId);
      const times: number[] = [];
      for (let i = 0; i < TICKS; i++) times.push(await tick(policyId));
      times.sort((a, b) => a - b);
      console.log(`prometheus-evaluate: ${label}: first tick ${first.toFixed(1)} ms; then p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms (n=${TICKS})`);
    };
    const explicit = await policy({ floorMode: "EXPLICIT", sampleIntervalSeconds: 10, minSamples: 50 });
    await measure("ratio query, 10-minute window at 10 s, explicit floor", explicit.id);
    // Of which Prometheus: the tick's one query_range (window and walk-back, 2,221 instants).
    const source = metricSourceFor(explicit);
    const series = { deploymentId: explicit.deploymentId, deployment: "bench", metric: "canary_accuracy", versionId: 0, version: "v2" };
    const reads: number[] = [];
    for (let i = 0; i < TICKS; i++) {
      const to = Date.now();
      const started = performance.now();
      await source.window(series, { from: to - 600_000 - 6 * HOUR, to, stepSeconds: 10 });
      reads.push(performance.now() - started);
    }
    reads.sort((a, b) => a - b);
    console.log(`prometheus-evaluate: of which the query_range alone: p50 ${percentile(reads, 50).toFixed(1)} ms, p95 ${percentile(reads, 95).toFixed(1)} ms (n=${TICKS})`);
    await measure("same, prior floor from v1's last week (read on the first tick, reused after)", (await policy({ floorMode: "PRIOR", sampleIntervalSeconds: 10, minSamples: 50 })).id);
    await measure("ratio query, 10-minute window at 1 s (22,000 instants, 3 requests), explicit floor", (await policy({ floorMode: "EXPLICIT", sampleIntervalSeconds: 1, minSamples: 500 })).id);
  } finally {
    await db().$disconnect();
    await closeMetricsPool();
    await database.release();
    await prometheus.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
