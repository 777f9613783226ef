import { describe, expect, it } from "vitest";
import { GET as getDetections } from "@/app/api/v1/deployments/[deployment]/detections/route";
import { GET as getPolicy, PUT as putPolicy } from "@/app/api/v1/deployments/[deployment]/policy/route";
import { GET as getSeries } from "@/app/api/v1/deployments/[deployment]/series/route";
import { db } from "@/lib/db";
import { makeToken } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";
import { evaluatePolicy } from "./evaluate-policy";
import { storeResolvedPoints } from "./sources/push/store";
import { makeMetricsDeployment } from "./test-deployment";

const HOUR = 3_600_000;
const basePolicy = {
  metric: "canary_accuracy",
  direction: "higher_is_better",
  floor: { mode: "prior", quantile: 0.1, bucketSeconds: 3600, lookbackDays: 7, tolerance: 0.005 },
  windowSeconds: 600,
  evaluationIntervalSeconds: 5,
  minSamples: 40,
  action: "notify",
};

/** 10-second points for `versionId` over [from, to) with value(ts). */
async function storeSeries(deploymentId: number, versionId: number, from: number, to: number, value: (ts: number) => number) {
  const times: number[] = [];
  for (let t = from; t < to; t += 10_000) times.push(t);
  await storeResolvedPoints({
    deploymentIds: times.map(() => deploymentId),
    metrics: times.map(() => "canary_accuracy"),
    versionIds: times.map(() => versionId),
    times,
    values: times.map(value),
    counts: times.map(() => 20),
  });
}

describe("rollback policy API", () => {
  it("refuses invalid combinations with a 400 naming the field, and APPROVER is needed to write", async () => {
    const { slug } = await makeMetricsDeployment();
    const { token } = await makeToken("APPROVER");
    const put = (body: unknown, t = token) => putPolicy(apiRequest(`/x`, { method: "PUT", token: t, body }), params({ deployment: slug }));
    const short = await put({ ...basePolicy, windowSeconds: 60, evaluationIntervalSeconds: 120 });
    expect(short.status).toBe(400);
    expect((await short.json()).issues).toContainEqual(expect.objectContaining({ path: "windowSeconds" }));
    const tooMany = await put({ ...basePolicy, minSamples: 61 });
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).message).toMatch(/^minSamples: minSamples \(61\) exceeds/);
    const badMode = await put({ ...basePolicy, floor: { mode: "median" } });
    expect(badMode.status).toBe(400);
    expect((await badMode.json()).message).toContain("floor.mode");
    const { token: operator } = await makeToken("OPERATOR");
    expect((await put(basePolicy, operator)).status).toBe(403);
  });

  it("creates then replaces the policy, audits both, and shows where the prior floor came from", async () => {
    const promotedAt = new Date(Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR);
    const { slug, deployment, v1 } = await makeMetricsDeployment({ promotedAt });
    await storeSeries(deployment.id, v1.id, promotedAt.getTime() - 7 * 24 * HOUR, promotedAt.getTime(), () => 0.91);
    const { token } = await makeToken("ADMIN");
    const put = (body: unknown) => putPolicy(apiRequest(`/x`, { method: "PUT", token, body }), params({ deployment: slug }));
    const created = await put(basePolicy);
    expect(created.status).toBe(201);
    const view = await created.json();
    expect(view.effectiveFloor.value).toBeCloseTo(0.905, 6);
    expect(view.effectiveFloor.source.description).toBe("v1: 7-day p10 of 1-hour means, less 0.005 = 0.905");
    expect((await put({ ...basePolicy, floor: { mode: "explicit", value: 0.8 }, action: "request" })).status).toBe(200);

    const read = await (await getPolicy(apiRequest(`/x?metric=canary_accuracy`, { token }), params({ deployment: slug }))).json();
    expect(read.policies).toHaveLength(1);
    expect(read.policies[0]).toMatchObject({ floor: { mode: "explicit", value: 0.8 }, action: "request", lastVerdict: null, effectiveFloor: { value: 0.8 } });
    const events = await db().auditEvent.findMany({ where: { targetId: view.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["policy.created", "policy.updated"]);
    expect(events[1]?.before).toMatchObject({ floor: { mode: "prior", quantile: 0.1 } });
    expect(events[1]?.after).toMatchObject({ floor: { mode: "explicit", value: 0.8 } });
  });
});

describe("evaluation, detections and series", () => {
  it("fires exactly once when two evaluators run at the same time, records no data when points stop, and lists the detection", async () => {
    const now = Date.now();
    const promotedAt = new Date(now - 3 * HOUR);
    const { slug, deployment, v1, v2 } = await makeMetricsDeployment({ promotedAt });
    await storeSeries(deployment.id, v1.id, promotedAt.getTime() - 7 * 24 * HOUR, promotedAt.getTime(), () => 0.91);
    // Healthy for two hours, then below the 0.905 floor for the last hour.
    await storeSeries(deployment.id, v2.id, promotedAt.getTime(), now, (t) => (t < now - HOUR ? 0.92 : 0.85));
    const { token } = await makeToken("APPROVER");
    const saved = await (await putPolicy(apiRequest(`/x`, { method: "PUT", token, body: basePolicy }), params({ deployment: slug }))).json();

    const outcomes = await Promise.all([evaluatePolicy(saved.id, { now }), evaluatePolicy(saved.id, { now })]);
    expect(outcomes.filter((o) => o.status === "evaluated" && o.detectionId).length).toBe(1);
    // The collector went quiet for longer than the window's gap tolerance (30 s here).
    const again = await evaluatePolicy(saved.id, { now: now + 60_000 });
    expect(again).toMatchObject({ status: "evaluated", verdict: "no_data", detectionId: null });
    expect(await db().rollbackPolicy.findUnique({ where: { id: saved.id } })).toMatchObject({ lastVerdict: "no_data" });
    expect(await db().detection.count({ where: { deploymentId: deployment.id } })).toBe(1);
    const stillBreaching = await evaluatePolicy(saved.id, { now: now - 1000 });
    expect(stillBreaching).toMatchObject({ verdict: "breach", detectionId: null });

    const listed = (await (await getDetections(apiRequest(`/x`, { token }), params({ deployment: slug }))).json()).detections;
    expect(listed).toHaveLength(1);
    const [detection] = listed;
    expect(detection.version).toBe("v2");
    expect(Date.parse(detection.regressionStartedAt)).toBeGreaterThanOrEqual(now - HOUR);
    expect(Date.parse(detection.regressionStartedAt)).toBeLessThan(now - HOUR + 20_000);
    expect(detection.timeToDetectMs).toBe(Date.parse(detection.detectedAt) - Date.parse(detection.regressionStartedAt));
    expect(detection.floorSource).toContain("v1: 7-day p10");
    expect(detection.evidence.length).toBeGreaterThanOrEqual(40);
    expect(await db().auditEvent.count({ where: { action: "detection.created", targetId: detection.id } })).toBe(1);

    const series = await (
      await getSeries(apiRequest(`/x?metric=canary_accuracy&from=${new Date(now - 8 * 24 * HOUR).toISOString()}&to=${new Date(now).toISOString()}&maxPoints=200`, { token }), params({ deployment: slug }))
    ).json();
    expect(series.series.map((s: { version: string; role: string }) => `${s.version}:${s.role}`)).toEqual(["v2:live", "v1:prior"]);
    for (const s of series.series) expect(s.points.length).toBeLessThanOrEqual(200);
    const live = series.series[0].points as { value: number }[];
    expect(Math.min(...live.map((p) => p.value))).toBe(0.85);
    expect(Math.max(...live.map((p) => p.value))).toBe(0.92);
    expect(series.floor).toMatchObject({ source: "v1: 7-day p10 of 1-hour means, less 0.005 = 0.905", origin: "policy" });
    expect(series.breaches).toEqual([expect.objectContaining({ detectionId: detection.id, version: "v2" })]);
    expect(series.markers.map((m: { kind: string }) => m.kind)).toEqual(expect.arrayContaining(["promotion", "detection"]));
  });

  it("keeps a one-minute dip in a 30-day series downsampled to 100 points, and refuses a bad range", async () => {
    const now = Date.now();
    const { slug, deployment, v2 } = await makeMetricsDeployment({ promotedAt: new Date(now - 31 * 24 * HOUR) });
    const dipAt = now - 10 * 24 * HOUR;
    await storeSeries(deployment.id, v2.id, now - 30 * 24 * HOUR, now, (t) => (t >= dipAt && t < dipAt + 60_000 ? 0.5 : 0.9 + ((t / 10_000) % 7) / 1000));
    const { token } = await makeToken("VIEWER");
    const get = (query: string) => getSeries(apiRequest(`/x?${query}`, { token }), params({ deployment: slug }));
    const body = await (await get(`metric=canary_accuracy&from=${new Date(now - 30 * 24 * HOUR).toISOString()}&to=${new Date(now).toISOString()}&maxPoints=100`)).json();
    const points = body.series[0].points as { ts: string; value: number }[];
    expect(points.length).toBeLessThanOrEqual(100);
    expect(points.length).toBeGreaterThan(50);
    expect(points.find((p) => p.value === 0.5)?.ts).toBe(new Date(dipAt).toISOString());
    const bad = await get(`metric=canary_accuracy&from=yesterday`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/^query\.from: from must be an ISO-8601 time/);
  });

  it("reads the policy's source: one that cannot answer is an evaluation error on the policy, never a detection", async () => {
    const now = Date.now();
    const promotedAt = new Date(now - 3 * HOUR);
    const { slug, deployment, v1, v2 } = await makeMetricsDeployment({ promotedAt });
    await storeSeries(deployment.id, v2.id, promotedAt.getTime(), now, () => 0.5);
    const { token } = await makeToken("APPROVER");
    const put = (body: unknown) => putPolicy(apiRequest(`/x`, { method: "PUT", token, body }), params({ deployment: slug }));
    const saved = await (await put({ ...basePolicy, source: { kind: "push" } })).json();
    expect(saved).toMatchObject({ source: { kind: "push" }, sourceDescription: { kind: "push", target: "POST /api/v1/metrics" } });
    const refused = await put({ ...basePolicy, source: { kind: "graphite", url: "http://graphite" } });
    expect(refused.status).toBe(400);
    expect((await refused.json()).message).toBe('source.kind: kind must be one of "push", "prometheus"');

    // A source kind this build no longer knows: every read is a configuration error.
    await db().rollbackPolicy.update({ where: { id: saved.id }, data: { sourceKind: "graphite", floorMode: "EXPLICIT", floorValue: 0.9, floorRule: undefined } });
    const outcome = await evaluatePolicy(saved.id, { now });
    expect(outcome).toMatchObject({ status: "evaluated", verdict: "error", detectionId: null });
    const row = await db().rollbackPolicy.findUniqueOrThrow({ where: { id: saved.id } });
    expect(row.lastVerdict).toBe("error");
    expect(row.lastStats).toMatchObject({ code: "configuration", reason: expect.stringContaining('configuration error: graphite source: unknown metric source kind "graphite"') });
    expect(await db().detection.count({ where: { deploymentId: deployment.id } })).toBe(0);

    const series = await (await getSeries(apiRequest(`/x?metric=canary_accuracy`, { token }), params({ deployment: slug }))).json();
    expect(series.sourceError).toContain("configuration error: graphite source");
    expect(series.series.every((s: { points: unknown[] }) => s.points.length === 0)).toBe(true);

    await db().rollbackPolicy.update({ where: { id: saved.id }, data: { floorMode: "PRIOR", floorValue: null, floorRule: { quantile: 0.1, bucketSeconds: 3600, lookbackDays: 7, tolerance: 0.005 } } });
    await storeSeries(deployment.id, v1.id, promotedAt.getTime() - 24 * HOUR, promotedAt.getTime(), () => 0.91);
    const read = await (await getPolicy(apiRequest(`/x`, { token }), params({ deployment: slug }))).json();
    expect(read.policies[0]).toMatchObject({ effectiveFloor: null, floorUnavailable: expect.stringContaining("the metric source could not say (configuration error") });
  });

  it("refuses a query parameter it does not know instead of answering the default 24 hours", async () => {
    const { slug } = await makeMetricsDeployment({ promotedAt: new Date(Date.now() - 2 * HOUR) });
    const { token } = await makeToken("VIEWER");
    const response = await getSeries(apiRequest("/x?metric=canary_accuracy&range=1h", { token }), params({ deployment: slug }));
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.issues).toEqual([{ path: "query.range", message: expect.stringContaining("unknown query parameter") }]);
    expect(body.message).toContain("metric, from, to, maxPoints");
  });
});
