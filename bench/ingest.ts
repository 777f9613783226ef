// `npm run bench:ingest`: canary points per second through POST /api/v1/metrics on the real
// production server: 100 requests of 10,000 points (1,000,000 points), 4 in flight at a time;
// then PostgreSQL's own COPY of the same rows into a table of the same columns and primary key in
// the same database, for the ratio between the two.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { findFreePort } from "@/lib/platform/free-port";
import { benchDeployment, report, startBenchServer } from "./harness";

const REQUESTS = 100;
const POINTS_PER_REQUEST = 10_000;
const IN_FLIGHT = 4;

async function main() {
  const server = await startBenchServer(Number(process.env.BENCH_PORT ?? (await findFreePort(3197))));
  try {
    const { slug, token, deployment, v1, v2 } = await benchDeployment(new Date(Date.now() - 30 * 86_400_000));
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

    // The same rows, ids resolved, as COPY text into a scratch table like MetricPoint
    // (unpartitioned), once before and once after ingestion: the machine's load moves.
    const versionIds: Record<string, number> = { v1: v1.id, v2: v2.id };
    const lines = bodies.map((body) =>
      (JSON.parse(body) as { points: { version: string; metric: string; ts: string; value: number; sampleCount: number }[] }).points
        .map((p) => `${deployment.id}\t${p.metric}\t${versionIds[p.version]}\t${p.ts}\t${p.value}\t${p.sampleCount}\n`)
        .join(""),
    );
    const copyRows = async (): Promise<number> => {
      const owner = new pg.Client({ connectionString: server.database.ownerUrl });
      await owner.connect();
      try {
        await owner.query(`CREATE TABLE "BenchCopy" (LIKE "MetricPoint" INCLUDING DEFAULTS, PRIMARY KEY ("deploymentId", metric, "versionId", ts))`);
        const copyStarted = performance.now();
        await pipeline(Readable.from(lines), owner.query(copyFrom(`COPY "BenchCopy" ("deploymentId", metric, "versionId", ts, value, "sampleCount") FROM STDIN`)));
        const seconds = (performance.now() - copyStarted) / 1000;
        await owner.query(`DROP TABLE "BenchCopy"`);
        return (bodies.length * POINTS_PER_REQUEST) / seconds;
      } finally {
        await owner.end();
      }
    };
    const copyBefore = await copyRows();
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
    const rate = total / seconds;
    console.log(`ingest: ${seconds.toFixed(2)} s = ${Math.round(rate).toLocaleString("en")} points/s`);
    const retryStarted = performance.now();
    const retry = await fetch(`${server.baseUrl}/api/v1/metrics`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: bodies[0] });
    const answer = JSON.stringify(await retry.json()).slice(0, 80);
    const retryMs = performance.now() - retryStarted;
    console.log(`ingest: a retried batch answers ${answer} in ${Math.round(retryMs)} ms`);

    const copyRate = (copyBefore + (await copyRows())) / 2;
    const ratio = rate / copyRate;
    console.log(`ingest: PostgreSQL COPY of the same ${total.toLocaleString("en")} rows (mean of one before and one after): ${Math.round(copyRate).toLocaleString("en")} rows/s; ingestion is ${ratio.toFixed(2)}× COPY`);
    await report("ingest", [
      { measure: `POST /api/v1/metrics, ${total.toLocaleString("en")} points, ${IN_FLIGHT} requests in flight`, value: `${Math.round(rate).toLocaleString("en")} points/s` },
      { measure: "PostgreSQL COPY of the same rows (one stream, mean of before and after)", value: `${Math.round(copyRate).toLocaleString("en")} rows/s` },
      { measure: "ingestion / COPY", value: `${ratio.toFixed(2)}×`, target: "≥ 0.54×", met: ratio >= 0.54 },
      { measure: "a retried batch of 10,000 (all duplicates)", value: `${Math.round(retryMs)} ms` },
    ]);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
