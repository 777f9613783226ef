// PostgreSQL restarting while batches of points are being stored, on a PostgreSQL of this file's
// own: a batch's points go in by COPY in a transaction with their rollups (sources/push/store.ts),
// so a batch cut off midway must leave nothing behind, and the connection it was on must not be
// handed to the next batch.
import { afterAll, beforeAll, expect, it } from "vitest";
import { POST } from "@/app/api/v1/metrics/route";
import { db } from "@/lib/db";
import { openThrowawayDatabase, type LocalDatabase } from "@/lib/platform/local-database";
import { makeToken } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";
import { closeMetricsPool } from "./pg-pool";
import { makeMetricsDeployment } from "./test-deployment";

const BATCHES = 60;
const POINTS_PER_BATCH = 2_000;

let database: LocalDatabase;

beforeAll(async () => {
  // Always an embedded cluster, even when DATABASE_URL names a server: this file restarts it.
  database = await openThrowawayDatabase({ label: "ingest-faults" });
  process.env.DATABASE_URL = database.url;
}, 180_000);

afterAll(async () => {
  await closeMetricsPool();
  await db().$disconnect();
  await database?.release();
}, 60_000);

it("stores each batch whole or not at all while PostgreSQL restarts (pg_ctl restart -m fast), and sending them all again stores each point once", async () => {
  const cluster = database.cluster;
  if (!cluster) throw new Error("this test needs an embedded cluster it can restart");
  const { slug, deployment } = await makeMetricsDeployment();
  const { token } = await makeToken("OPERATOR");
  const start = Date.now() - 3_600_000;
  // Batch b holds 100 points of each of 20 series, all in the second start + b s.
  const batches = Array.from({ length: BATCHES }, (_, b) =>
    Array.from({ length: POINTS_PER_BATCH }, (_, i) => ({
      deployment: slug,
      version: i % 2 ? "v1" : "v2",
      metric: `m${i % 20}`,
      ts: new Date(start + b * 1_000 + Math.floor(i / 20)).toISOString(),
      value: 0.9 + i / 1e6,
    })),
  );
  const post = (points: unknown[]) => POST(apiRequest("/api/v1/metrics", { token, body: { points } }), params({}));

  // Two senders, while the cluster restarts under the first dozen batches.
  const answers: { status: number; body: { accepted?: number; message?: string } }[] = [];
  let next = 0;
  let restart: Promise<void> | undefined;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < BATCHES) {
        const b = next++;
        if (b === 6) restart = cluster.pgCtl("restart");
        const response = await post(batches[b]!);
        answers[b] = { status: response.status, body: await response.json() };
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    }),
  );
  await restart;

  const failed = answers.filter((a) => a.status !== 200);
  expect(failed.length).toBeGreaterThan(0);
  for (const answer of failed) {
    expect(answer.status).toBe(503);
    expect(answer.body.message).toBeTruthy();
  }
  for (const answer of answers.filter((a) => a.status === 200)) expect(answer.body.accepted).toBe(POINTS_PER_BATCH);

  const storedPerBatch = async () => {
    const rows = await db().$queryRaw<{ b: number; n: number }[]>`
      SELECT floor((extract(epoch FROM ts) * 1000 - ${start}) / 1000)::int AS b, count(*)::int AS n
        FROM "MetricPoint" WHERE "deploymentId" = ${deployment.id} GROUP BY 1`;
    return new Map(rows.map((r) => [r.b, r.n]));
  };
  const before = await storedPerBatch();
  for (const n of before.values()) expect(n).toBe(POINTS_PER_BATCH);

  let duplicates = 0;
  for (const batch of batches) {
    const response = await post(batch);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ accepted: POINTS_PER_BATCH, rejected: [] });
    duplicates += body.duplicates;
  }
  expect(duplicates).toBe(before.size * POINTS_PER_BATCH);
  expect([...(await storedPerBatch()).values()]).toEqual(Array.from({ length: BATCHES }, () => POINTS_PER_BATCH));
  const where = { deploymentId: deployment.id };
  const rolledUp = await Promise.all([
    db().metricRollupMinute.aggregate({ where, _sum: { points: true } }),
    db().metricRollup.aggregate({ where, _sum: { points: true } }),
    db().metricRollupHourly.aggregate({ where, _sum: { points: true } }),
  ]);
  expect(rolledUp.map((sum) => sum._sum.points)).toEqual([1, 2, 3].map(() => BATCHES * POINTS_PER_BATCH));
}, 120_000);
