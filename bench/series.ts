// `npm run bench:series`: GET …/series on the real production server over 30 days of 10-second
// points for two versions (≈520,000 points), 30-day range, maxPoints 1000: p50/p95 of 100 requests.
import { benchDeployment, percentile, startBenchServer } from "./harness";

const DAY = 86_400_000;

async function main() {
  const server = await startBenchServer(Number(process.env.BENCH_PORT ?? 3198));
  try {
    const now = Date.now();
    const { slug, deployment, v1, v2, token } = await benchDeployment(new Date(now - 15 * DAY));
    const { storeResolvedPoints } = await import("@/lib/metrics/sources/push/store");
    const { db } = await import("@/lib/db");
    await db().rollbackPolicy.create({
      data: { deploymentId: deployment.id, metric: "canary_accuracy", direction: "HIGHER_IS_BETTER", floorMode: "PRIOR", floorRule: { quantile: 0.1, bucketSeconds: 3600, lookbackDays: 7, tolerance: 0.005 }, windowSeconds: 1800, evaluationIntervalSeconds: 60, minSamples: 120, action: "REQUEST" },
    });
    const loadStarted = performance.now();
    let total = 0;
    for (let t0 = now - 30 * DAY; t0 < now; t0 += 10_000 * 10_000) {
      const times: number[] = [];
      for (let t = t0; t < Math.min(now, t0 + 10_000 * 10_000); t += 10_000) times.push(t);
      for (const versionId of [v1.id, v2.id]) {
        total += await storeResolvedPoints({
          deploymentIds: times.map(() => deployment.id),
          metrics: times.map(() => "canary_accuracy"),
          versionIds: times.map(() => versionId),
          times,
          values: times.map((t) => 0.91 + 0.005 * Math.sin(t / 3_600_000) + (versionId === v2.id ? 0.005 : 0)),
          counts: times.map(() => 20),
        });
      }
    }
    console.log(`series: loaded ${total.toLocaleString("en")} points in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
    const url = `${server.baseUrl}/api/v1/deployments/${slug}/series?metric=canary_accuracy&from=${new Date(now - 30 * DAY).toISOString()}&to=${new Date(now).toISOString()}&maxPoints=1000`;
    const get = async () => {
      const started = performance.now();
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      const body = (await response.json()) as { series: { points: unknown[] }[] };
      if (response.status !== 200) throw new Error(`unexpected ${response.status}: ${JSON.stringify(body).slice(0, 200)}`);
      return { ms: performance.now() - started, sizes: body.series.map((s) => s.points.length) };
    };
    for (let i = 0; i < 5; i++) await get();
    const times: number[] = [];
    let sizes: number[] = [];
    for (let i = 0; i < 100; i++) {
      const r = await get();
      times.push(r.ms);
      sizes = r.sizes;
    }
    times.sort((a, b) => a - b);
    console.log(`series: 100 requests, 30-day range, points per series ${sizes.join(" and ")} (maxPoints 1000)`);
    console.log(`series: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${times[times.length - 1]?.toFixed(1)} ms (target p95 ≤ 150 ms)`);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
