// `npm run bench:series`: GET …/series on the real production server over 30 days of 10-second
// points for two versions (518,400 points), 30-day range, maxPoints 1000, against Debian's
// Prometheus holding exactly the same samples (backfilled with promtool) answering `query_range`
// with `max_over_time` over the same range and step, requests alternating between the two:
// p50/p95 of each and the ratio of the p95s.
import { startPrometheus, type PromSample } from "@/lib/testing/prometheus";
import { findFreePort } from "@/lib/platform/free-port";
import { benchDeployment, canaryValueAt, percentile, report, startBenchServer, storeCanaryHistory } from "./harness";

const DAY = 86_400_000;
const STEP_MS = 10_000;
const MAX_POINTS = 1000;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);

async function timed(url: string, init: RequestInit, check: (status: number, body: unknown) => number[]): Promise<{ ms: number; sizes: number[] }> {
  const started = performance.now();
  const response = await fetch(url, init);
  const body: unknown = await response.json();
  const ms = performance.now() - started;
  return { ms, sizes: check(response.status, body) };
}

async function main() {
  const server = await startBenchServer(Number(process.env.BENCH_PORT ?? (await findFreePort(3198))));
  try {
    const now = Date.now();
    const from = now - 30 * DAY;
    const { slug, deployment, v1, v2, token } = await benchDeployment(new Date(now - 15 * DAY));
    const { db } = await import("@/lib/db");
    await db().rollbackPolicy.create({
      data: { deploymentId: deployment.id, metric: "canary_accuracy", direction: "HIGHER_IS_BETTER", floorMode: "PRIOR", floorRule: { quantile: 0.1, bucketSeconds: 3600, lookbackDays: 7, tolerance: 0.005 }, windowSeconds: 1800, evaluationIntervalSeconds: 60, minSamples: 120, action: "REQUEST" },
    });
    const loadStarted = performance.now();
    const total = await storeCanaryHistory(deployment.id, { prior: v1.id, live: v2.id }, from, now);
    console.log(`series: loaded ${total.toLocaleString("en")} points in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);

    const samples = function* (live: boolean): Generator<PromSample> {
      for (let t = from; t < now; t += STEP_MS) yield [t, canaryValueAt(t, live)];
    };
    const promStarted = performance.now();
    const prometheus = await startPrometheus({
      series: [
        { name: "canary_accuracy", labels: { deployment: slug, version: "v1" }, samples: samples(false) },
        { name: "canary_accuracy", labels: { deployment: slug, version: "v2" }, samples: samples(true) },
      ],
    });
    console.log(`series: Prometheus backfilled with the same ${total.toLocaleString("en")} samples and ready in ${((performance.now() - promStarted) / 1000).toFixed(1)} s`);
    try {
      const step = (now - from) / 1000 / MAX_POINTS;
      const query = `max_over_time(canary_accuracy{deployment="${slug}"}[${Math.round(step)}s])`;
      // Each request ends a millisecond later than the one before: a different range, so neither
      // side answers from a kept result (ours keeps an identical read for a second).
      let request = 0;
      const getOurs = () => {
        const to = now + request;
        const ours = `${server.baseUrl}/api/v1/deployments/${slug}/series?metric=canary_accuracy&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&maxPoints=${MAX_POINTS}`;
        return timed(ours, { headers: { authorization: `Bearer ${token}` } }, (status, body) => {
          if (status !== 200) throw new Error(`series answered ${status}: ${JSON.stringify(body).slice(0, 200)}`);
          return (body as { series: { points: unknown[] }[] }).series.map((s) => s.points.length);
        });
      };
      const getTheirs = () => {
        const to = now + request++;
        const theirs = `${prometheus.url}/api/v1/query_range?${new URLSearchParams({ query, start: String(from / 1000), end: String(to / 1000), step: String(step) })}`;
        return timed(theirs, {}, (status, body) => {
          if (status !== 200) throw new Error(`Prometheus answered ${status}: ${JSON.stringify(body).slice(0, 200)}`);
          return (body as { data: { result: { values: unknown[] }[] } }).data.result.map((r) => r.values.length);
        });
      };
      for (let i = 0; i < 5; i++) {
        await getOurs();
        await getTheirs();
      }
      const ourTimes: number[] = [];
      const theirTimes: number[] = [];
      let ourSizes: number[] = [];
      let theirSizes: number[] = [];
      // Alternating, so both see the same load on the machine.
      for (let i = 0; i < REQUESTS; i++) {
        const a = await getOurs();
        const b = await getTheirs();
        ourTimes.push(a.ms);
        theirTimes.push(b.ms);
        ourSizes = a.sizes;
        theirSizes = b.sizes;
      }
      ourTimes.sort((a, b) => a - b);
      theirTimes.sort((a, b) => a - b);
      const ms = (x: number) => `${x.toFixed(1)} ms`;
      const ratio = percentile(ourTimes, 95) / percentile(theirTimes, 95);
      console.log(`series: ${REQUESTS} requests each, alternating, 30-day range`);
      console.log(`series: Reversegate GET …/series (maxPoints ${MAX_POINTS}, points per series ${ourSizes.join(" and ")}): p50 ${ms(percentile(ourTimes, 50))}, p95 ${ms(percentile(ourTimes, 95))}, max ${ms(ourTimes.at(-1)!)}`);
      console.log(`series: Prometheus query_range max_over_time (step ${Math.round(step)} s, points per series ${theirSizes.join(" and ")}): p50 ${ms(percentile(theirTimes, 50))}, p95 ${ms(percentile(theirTimes, 95))}, max ${ms(theirTimes.at(-1)!)}`);
      await report("series", [
        { measure: "GET …/series, 30 days × 2 versions (518,400 points), p50", value: ms(percentile(ourTimes, 50)) },
        { measure: "GET …/series, p95", value: ms(percentile(ourTimes, 95)) },
        { measure: "Prometheus query_range max_over_time, same data, p50", value: ms(percentile(theirTimes, 50)) },
        { measure: "Prometheus query_range max_over_time, p95", value: ms(percentile(theirTimes, 95)) },
        { measure: "series p95 / Prometheus p95", value: `${ratio.toFixed(2)}×`, target: "ratio ≤ 1.0", met: ratio <= 1 },
      ]);
    } finally {
      await prometheus.stop();
    }
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
