import { describe, expect, it } from "vitest";
import { POST } from "@/app/api/v1/metrics/route";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { makeDetection, makePolicy, makeToken } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";
import { MAX_FUTURE_SKEW_MS } from "./point-check";
import { PARTITION_DAYS_AHEAD, maintainMetricPartitions } from "./retention";
import { partitionDays, storeResolvedPoints } from "./sources/push/store";
import { makeMetricsDeployment } from "./test-deployment";

const DAY = 86_400_000;
const dayOf = (t: number) => Math.floor(t / DAY) * DAY;
const pointsOf = (deploymentId: number) => db().metricPoint.findMany({ where: { deploymentId }, orderBy: { ts: "asc" }, select: { ts: true } });

describe("metric day partitions", () => {
  it("are made a week ahead, and ingestion stores a point at either end of the accepted range in a day that had none", async () => {
    const now = Date.now();
    await maintainMetricPartitions(now);
    const days = await partitionDays();
    for (let i = 0; i <= PARTITION_DAYS_AHEAD; i++) expect(days).toContain(dayOf(now) + i * DAY);

    const oldest = now - (env().METRICS_RETENTION_DAYS - 1) * DAY + 60_000;
    expect(days).not.toContain(dayOf(oldest));
    const { slug, deployment } = await makeMetricsDeployment();
    const { token } = await makeToken("OPERATOR");
    const point = (ts: number) => ({ deployment: slug, version: "v2", metric: "canary_accuracy", ts: new Date(ts).toISOString(), value: 0.9 });
    const response = await POST(apiRequest("/api/v1/metrics", { token, body: { points: [point(oldest), point(now + MAX_FUTURE_SKEW_MS - 1000)] } }), params({}));
    expect(await response.json()).toMatchObject({ accepted: 2, rejected: [] });
    expect((await pointsOf(deployment.id)).map((p) => p.ts.getTime())).toEqual([oldest, now + MAX_FUTURE_SKEW_MS - 1000]);
    expect(await partitionDays()).toContain(dayOf(oldest));
  });

  it("retention drops whole days older than METRICS_RETENTION_DAYS, keeps newer ones, and leaves detections and the audit log alone", async () => {
    const now = Date.now();
    const retention = env().METRICS_RETENTION_DAYS * DAY;
    const { deployment, v2 } = await makeMetricsDeployment();
    const expired = now - retention - 2 * DAY;
    const kept = now - retention + DAY;
    await storeResolvedPoints({ deploymentIds: [deployment.id, deployment.id], metrics: ["m", "m"], versionIds: [v2.id, v2.id], times: [expired, kept], values: [0.5, 0.6], counts: [1, 1] });
    const policy = await makePolicy(deployment.id);
    const detection = await makeDetection(policy, v2.id, { detectedAt: new Date(expired), timeToDetectMs: 60_000 });
    const auditEvents = await db().auditEvent.count();

    const { dropped, cutoff } = await maintainMetricPartitions(now);
    expect(cutoff.getTime()).toBe(now - retention);
    expect(dropped).toBeGreaterThanOrEqual(4);
    expect((await pointsOf(deployment.id)).map((p) => p.ts.getTime())).toEqual([kept]);
    expect(await db().metricRollupMinute.count({ where: { deploymentId: deployment.id } })).toBe(1);
    expect(await db().metricRollup.count({ where: { deploymentId: deployment.id } })).toBe(1);
    expect(await db().metricRollupHourly.count({ where: { deploymentId: deployment.id } })).toBe(1);
    const days = await partitionDays();
    expect(days).not.toContain(dayOf(expired));
    expect(days).toContain(dayOf(kept));
    expect(days[0]).toBeGreaterThanOrEqual(dayOf(now - retention));
    expect(await db().detection.findUnique({ where: { id: detection.id } })).not.toBeNull();
    expect(await db().auditEvent.count()).toBe(auditEvents);
  });
});
