// `npm run bench:ingest`: canary points per second through POST /api/v1/metrics on the real
// production server: 100 requests of 10,000 points (1,000,000 points), 4 in flight at a time.
import { benchDeployment, startBenchServer } from "./harness";

const REQUESTS = 100;
const POINTS_PER_REQUEST = 10_000;
const IN_FLIGHT = 4;

async function main() {
  const server = await startBenchServer(Number(process.env.BENCH_PORT ?? 3197));
  try {
    const { slug, token } = await benchDeployment(new Date(Date.now() - 30 * 86_400_000));
    // 10-second points of two versions and 50 metrics, going back from now: realistic bodies.
    const start = Date.now() - 20 * 86_400_000;
    const bodies: string[] = [];
    for (let r = 0; r < REQUESTS; r++) {
      const points = [];
      for (let i = 0; i < POINTS_PER_REQUEST; i++) {
        const n = r * POINTS_PER_REQUEST + i;
        points.push({
          deployment: slug,
          version: n % 2 ? "v1" : "v2",
          metric: `canary_metric_${(n >> 1) % 50}`,
          ts: new Date(start + Math.floor(n / 100) * 10_000).toISOString(),
          value: 0.9 + (n % 97) / 10_000,
          sampleCount: 20,
        });
      }
      bodies.push(JSON.stringify({ points }));
    }
    const send = async (body: string) => {
      const response = await fetch(`${server.baseUrl}/api/v1/metrics`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body,
      });
      const result = (await response.json()) as { accepted: number; rejected: unknown[] };
      if (response.status !== 200 || result.accepted !== POINTS_PER_REQUEST) throw new Error(`unexpected answer ${response.status}: ${JSON.stringify(result).slice(0, 300)}`);
    };
    await send(bodies.pop() as string); // warm-up: compiles the route and fills caches
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < bodies.length) await send(bodies[next++] as string);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const total = bodies.length * POINTS_PER_REQUEST;
    console.log(`ingest: ${total.toLocaleString("en")} points in ${bodies.length} requests of ${POINTS_PER_REQUEST.toLocaleString("en")}, ${IN_FLIGHT} in flight`);
    console.log(`ingest: ${seconds.toFixed(2)} s = ${Math.round(total / seconds).toLocaleString("en")} points/s (target ≥ 100,000)`);
    const retryStarted = performance.now();
    const retry = await fetch(`${server.baseUrl}/api/v1/metrics`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: bodies[0] });
    const answer = JSON.stringify(await retry.json()).slice(0, 80);
    console.log(`ingest: a retried batch answers ${answer} in ${Math.round(performance.now() - retryStarted)} ms`);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
