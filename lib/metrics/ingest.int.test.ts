import pg from "pg";
import { describe, expect, it } from "vitest";
import { POST } from "@/app/api/v1/metrics/route";
import { db } from "@/lib/db";
import { makeToken } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";
import { integrationDatabase } from "@/lib/testing/integration-database";
import { MAX_POINTS_PER_REQUEST } from "./point-check";
import { readPoints, storeResolvedPoints } from "./sources/push/store";
import { makeMetricsDeployment } from "./test-deployment";

const post = (token: string, body: unknown) => POST(apiRequest("/api/v1/metrics", { token, body }), params({}));
const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

/** How many points the deployment's one-minute, five-minute and hourly rollups count. */
async function rolledUpPoints(deploymentId: number): Promise<(number | null)[]> {
  const where = { deploymentId };
  const sums = await Promise.all([
    db().metricRollupMinute.aggregate({ where, _sum: { points: true } }),
    db().metricRollup.aggregate({ where, _sum: { points: true } }),
    db().metricRollupHourly.aggregate({ where, _sum: { points: true } }),
  ]);
  return sums.map((sum) => sum._sum.points);
}

describe("POST /api/v1/metrics", () => {
  it("stores good points, refuses each bad one by index and reason, and stores nothing twice on retry", async () => {
    const { token } = await makeToken("OPERATOR");
    const { slug, deployment } = await makeMetricsDeployment();
    const good = (i: number) => ({ deployment: slug, version: "v2", metric: "canary_accuracy", ts: iso(60_000 * (i + 1)), value: 0.9 + i / 1000, sampleCount: 12 });
    const points = [
      good(0),
      { ...good(1), deployment: "no-such-deployment" },
      { ...good(2), version: "v99" },
      { ...good(3), value: "0.91" },
      { ...good(4), ts: "yesterday" },
      { ...good(5), ts: new Date(Date.now() + 10 * 60_000).toISOString() },
      good(6),
      { ...good(7), ts: "2026-02-30T00:00:00Z" },
      { ...good(8), sampleCount: 0 },
      { ...good(9), metric: "Bad Metric" },
      null,
      { ...good(11), version: "v3" },
    ];
    const response = await post(token, { points });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.accepted).toBe(3);
    expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2, 3, 4, 5, 7, 8, 9, 10]);
    const reason = (index: number) => body.rejected.find((r: { index: number }) => r.index === index).error as string;
    expect(reason(1)).toMatch(/^deployment: no deployment "no-such-deployment"/);
    expect(reason(2)).toMatch(/^version: "v99" is not a registered version/);
    expect(reason(3)).toMatch(/^value: expected a finite number/);
    expect(reason(4)).toMatch(/^ts: not an ISO-8601 time/);
    expect(reason(5)).toMatch(/^ts: .* in the future/);
    expect(reason(7)).toMatch(/^ts: not an ISO-8601 time/);
    expect(reason(8)).toMatch(/^sampleCount: expected a positive integer/);
    expect(reason(9)).toMatch(/^metric:/);
    expect(reason(10)).toMatch(/^point: expected an object/);
    expect(await db().metricPoint.count({ where: { deploymentId: deployment.id } })).toBe(3);

    const retry = await (await post(token, { points })).json();
    expect(retry).toMatchObject({ accepted: 3, duplicates: 3 });
    expect(await db().metricPoint.count({ where: { deploymentId: deployment.id } })).toBe(3);
    expect(await rolledUpPoints(deployment.id)).toEqual([3, 3, 3]);
  });

  it("refuses 1e309 (Infinity after JSON parsing) as a value", async () => {
    const { token } = await makeToken("OPERATOR");
    const { slug } = await makeMetricsDeployment();
    const raw = `{"points":[{"deployment":"${slug}","version":"v2","metric":"m","ts":"${iso(1000)}","value":1e309}]}`;
    const body = await (await POST(apiRequest("/api/v1/metrics", { token, rawBody: raw }), params({}))).json();
    expect(body.accepted).toBe(0);
    expect(body.rejected).toEqual([{ index: 0, error: "value: expected a finite number, got Infinity" }]);
  });

  it("refuses an empty batch, a batch over the limit, and a missing points array with 400 naming points", async () => {
    const { token } = await makeToken("OPERATOR");
    const empty = await post(token, { points: [] });
    expect(empty.status).toBe(400);
    expect((await empty.json()).message).toMatch(/^points: points must hold at least one point/);
    const point = { deployment: "x", version: "v1", metric: "m", ts: iso(0), value: 1 };
    const over = await post(token, { points: Array.from({ length: MAX_POINTS_PER_REQUEST + 1 }, () => point) });
    expect(over.status).toBe(400);
    expect((await over.json()).message).toContain(`at most ${MAX_POINTS_PER_REQUEST} points`);
    const missing = await post(token, { data: [] });
    expect(missing.status).toBe(400);
    expect((await missing.json()).message).toMatch(/^points:/);
  });

  it("stores each point exactly as given: times either side of 1970 and of 2000, every kind of float, any metric name", async () => {
    const { deployment, v2 } = await makeMetricsDeployment();
    const times = [Date.UTC(1969, 11, 31, 23, 59, 59, 999), Date.UTC(1999, 11, 31, 23, 59, 59, 1), Date.UTC(2000, 0, 1), Date.UTC(2026, 11, 2, 1, 2, 3, 456), Date.UTC(2038, 0, 19, 3, 14, 8, 1)];
    const values = [0, -0.5, Number.MIN_VALUE, -Number.MAX_VALUE, 0.1 + 0.2];
    const metrics = ["m", "m", "métrique-ü", "m", "m"];
    const series = [...new Set(metrics)];
    const stored = await storeResolvedPoints({ deploymentIds: times.map(() => deployment.id), metrics, versionIds: times.map(() => v2.id), times, values, counts: [1, 2, 2_147_483_647, 4, 5] });
    expect(stored).toBe(5);
    const read = (await Promise.all(series.map((metric) => readPoints({ deploymentId: deployment.id, metric, versionId: v2.id }, times[0]!, times[4]!)))).flat();
    expect(read.sort((a, b) => a.ts - b.ts)).toEqual(times.map((ts, i) => ({ ts, value: values[i], sampleCount: [1, 2, 2_147_483_647, 4, 5][i] })));
    expect(await rolledUpPoints(deployment.id)).toEqual([5, 5, 5]);
  });

  it("accepts a full 10,000-point batch in one request", async () => {
    const { token } = await makeToken("OPERATOR");
    const { slug, deployment } = await makeMetricsDeployment();
    const start = Date.now() - 2 * 86_400_000;
    const points = Array.from({ length: 10_000 }, (_, i) => ({ deployment: slug, version: i % 2 ? "v1" : "v2", metric: "m", ts: new Date(start + Math.floor(i / 2) * 10_000).toISOString(), value: 0.9 }));
    const body = await (await post(token, { points })).json();
    expect(body).toEqual({ accepted: 10_000, duplicates: 0, rejected: [] });
    expect(await db().metricPoint.count({ where: { deploymentId: deployment.id } })).toBe(10_000);
  });

  it("refuses a re-sent point whose value differs from the stored one, keeps the stored one, and counts an identical re-send as a duplicate", async () => {
    const { token } = await makeToken("OPERATOR");
    const { slug, deployment } = await makeMetricsDeployment();
    const point = (minutesAgo: number, value: number, sampleCount = 12) => ({ deployment: slug, version: "v2", metric: "canary_accuracy", ts: iso(minutesAgo * 60_000), value, sampleCount });
    const first = [point(3, 0.91), point(2, 0.92)];
    expect(await (await post(token, { points: first })).json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });

    const resent = [point(1, 0.93), { ...first[0]! }, { ...first[1]!, value: 0.5 }, { ...first[0]!, sampleCount: 99 }];
    const response = await post(token, { points: resent });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      accepted: 2,
      duplicates: 1,
      rejected: [
        { index: 2, error: "value: conflicts with the point stored for this deployment, metric, version and ts (value 0.92, sampleCount 12); a stored point is never replaced" },
        { index: 3, error: "value: conflicts with the point stored for this deployment, metric, version and ts (value 0.91, sampleCount 12); a stored point is never replaced" },
      ],
    });
    const stored = await db().metricPoint.findMany({ where: { deploymentId: deployment.id }, orderBy: { ts: "asc" } });
    expect(stored.map((p) => [p.value, p.sampleCount])).toEqual([
      [0.91, 12],
      [0.92, 12],
      [0.93, 12],
    ]);
    expect(await rolledUpPoints(deployment.id)).toEqual([3, 3, 3]);
  });

  it("keeps one of two different values sent for the same point in one batch and refuses the other", async () => {
    const { token } = await makeToken("OPERATOR");
    const { slug, deployment } = await makeMetricsDeployment();
    const ts = iso(60_000);
    const twins = [0.8, 0.9].map((value) => ({ deployment: slug, version: "v2", metric: "canary_accuracy", ts, value }));
    const body = await (await post(token, { points: twins })).json();
    expect(body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(body.rejected).toHaveLength(1);
    const [kept] = await db().metricPoint.findMany({ where: { deploymentId: deployment.id } });
    const refused = twins[body.rejected[0].index as number]!;
    expect(kept?.value).toBe(twins.find((twin) => twin !== refused)?.value);
    expect(body.rejected[0].error).toContain(`(value ${kept?.value}, sampleCount 1)`);
  });

  it("keeps answering the chart's reads while batches of points wait on the database", async () => {
    const { token } = await makeToken("OPERATOR");
    const { slug, deployment, v2 } = await makeMetricsDeployment();
    const now = Date.now();
    const batch = (n: number) => ({ points: [{ deployment: slug, version: "v2", metric: "canary_accuracy", ts: new Date(now - 1_000 - n).toISOString(), value: 0.9, sampleCount: 1 }] });
    // Writes to the rollups wait behind this lock, as batches wait on each other's row locks under a flood.
    const blocker = new pg.Client({ connectionString: integrationDatabase().ownerUrl });
    await blocker.connect();
    try {
      await blocker.query(`BEGIN; LOCK TABLE "MetricRollup" IN SHARE ROW EXCLUSIVE MODE`);
      const posts = Array.from({ length: 10 }, (_, n) => post(token, batch(n)));
      // Until as many batches as will get a connection are waiting: the count holds for 300 ms.
      for (let waiting = 0, steady = 0; waiting === 0 || steady < 6; ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const { rows } = await blocker.query(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted`);
        steady = rows[0].n === waiting ? steady + 1 : 0;
        waiting = rows[0].n;
      }
      const read = readPoints({ deploymentId: deployment.id, metric: "canary_accuracy", versionId: v2.id }, Date.now() - 60_000, Date.now());
      const outcome = await Promise.race([read.then(() => "answered"), new Promise((resolve) => setTimeout(resolve, 3_000, "still waiting"))]);
      expect(outcome).toBe("answered");
      await blocker.query("COMMIT");
      const bodies = await Promise.all((await Promise.all(posts)).map((response) => response.json()));
      expect(bodies.map((body) => body.accepted)).toEqual(Array(10).fill(1));
    } finally {
      await blocker.end();
    }
  });

  it("needs the OPERATOR role", async () => {
    const { token } = await makeToken("VIEWER");
    expect((await post(token, { points: [] })).status).toBe(403);
  });
});
