import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getPolicy, PUT as putPolicy } from "@/app/api/v1/deployments/[deployment]/policy/route";
import { POST as testPolicy } from "@/app/api/v1/deployments/[deployment]/policy/test/route";
import { GET as getSeries } from "@/app/api/v1/deployments/[deployment]/series/route";
import { db } from "@/lib/db";
import { makeToken } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";
import { startPrometheus, type PromSample, type PromSeries, type RunningPrometheus } from "@/lib/testing/prometheus";
import { evaluatePolicy } from "../../evaluate-policy";
import { formatNumber } from "@/lib/format-number";
import { quantileLinear } from "../../floor";
import { makeMetricsDeployment } from "../../test-deployment";

// Policies that read their metric from a real Prometheus (Debian's, on backfilled data): the
// sustained-window trigger, no data, configuration and evaluation errors and their notification,
// the prior floor, the chart and "Test query", through the API a user calls.

const STEP = 10_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const T = Math.floor(Date.now() / STEP) * STEP;
const PROMOTED = T - 3 * HOUR;

const RATIO =
  'sum(rate(router_correct_total{deployment="{{deployment}}", version="{{version}}"}[1m])) / sum(rate(router_requests_total{deployment="{{deployment}}", version="{{version}}"}[1m]))';

const basePolicy = {
  metric: "canary_accuracy",
  direction: "higher_is_better",
  floor: { mode: "explicit", value: 0.85 },
  windowSeconds: 600,
  evaluationIntervalSeconds: 30,
  minSamples: 50,
  sampleIntervalSeconds: 10,
  action: "notify",
};

function every10s(from: number, to: number): number[] {
  const times: number[] = [];
  for (let ts = from; ts <= to; ts += STEP) times.push(ts);
  return times;
}

/** A router's counters: `perStep(ts)` requests every 10 s, `accuracy(ts)` of them correct. */
function router(deployment: string, version: string, from: number, accuracy: (ts: number) => number, perStep: (ts: number) => number = () => 100): PromSeries[] {
  let requests = 0;
  let correct = 0;
  const requestSamples: PromSample[] = [];
  const correctSamples: PromSample[] = [];
  for (const ts of every10s(from, T)) {
    requests += perStep(ts);
    correct += perStep(ts) * accuracy(ts);
    requestSamples.push([ts, requests]);
    correctSamples.push([ts, correct]);
  }
  const labels = { deployment, version };
  return [
    { name: "router_requests_total", type: "counter", labels, samples: requestSamples },
    { name: "router_correct_total", type: "counter", labels, samples: correctSamples },
  ];
}

/** The prior's hourly level, counted back from the promotion: pseudo-random in [0.85, 0.95). */
const priorHourValue = (hoursBack: number) => 0.85 + 0.001 * ((hoursBack * 37) % 100);

type Made = Awaited<ReturnType<typeof makeMetricsDeployment>>;
let breach: Made;
let spike: Made;
let quiet: Made;
let missing: Made;
let pods: Made;
let outage: Made;
let floor: Made;
let prometheus: RunningPrometheus;
let outagePrometheus: RunningPrometheus;
let approver: string;
let operator: string;
let receiver: Server;
const deliveries: { event: string; text: string; details: Record<string, unknown> }[] = [];

/** The outage deployment's data: healthy until 30 minutes ago, then below the floor. */
const outageSeries = () => router(outage.slug, "v2", PROMOTED, (ts) => (ts < T - 30 * MINUTE ? 0.92 : 0.8));

beforeAll(async () => {
  const make = () => makeMetricsDeployment({ promotedAt: new Date(PROMOTED) });
  [breach, spike, quiet, missing, pods, outage, floor] = await Promise.all([make(), make(), make(), make(), make(), make(), make()]);
  approver = (await makeToken("APPROVER")).token;
  operator = (await makeToken("OPERATOR")).token;
  const series: PromSeries[] = [
    // Healthy at 0.92, then 0.80 for the last half hour; a day of it, for the chart.
    ...router(breach.slug, "v2", T - 26 * HOUR, (ts) => (ts < T - 30 * MINUTE ? 0.92 : 0.8)),
    // One bad half-minute five minutes ago.
    ...router(spike.slug, "v2", PROMOTED, (ts) => (ts >= T - 5 * MINUTE && ts < T - 5 * MINUTE + 30_000 ? 0.5 : 0.92)),
    // No requests in the last twenty minutes: the ratio is 0/0 = NaN.
    ...router(quiet.slug, "v2", PROMOTED, () => 0.92, (ts) => (ts < T - 20 * MINUTE ? 100 : 0)),
    ...["a", "b"].map((pod): PromSeries => ({ name: "router_accuracy_by_pod", labels: { deployment: pods.slug, version: "v2", pod }, samples: every10s(PROMOTED, T).map((ts) => [ts, 0.9]) })),
    // The prior of `floor` served until the promotion: a gauge that holds one level per hour.
    {
      name: "router_accuracy",
      labels: { deployment: floor.slug, version: "v1" },
      samples: every10s(PROMOTED - 8 * 24 * HOUR, PROMOTED - STEP).map((ts) => [ts, priorHourValue(Math.floor((PROMOTED - 1 - ts) / HOUR))]),
    },
  ];
  [prometheus, outagePrometheus] = await Promise.all([startPrometheus({ series }), startPrometheus({ series: outageSeries() })]);

  receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      const { text, reversegate } = JSON.parse(body);
      deliveries.push({ event: reversegate.event, text, details: reversegate.details });
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
}, 120_000);

afterAll(async () => {
  await Promise.all([prometheus?.stop(), outagePrometheus?.stop()]);
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
});

async function savePolicy(made: Made, body: Record<string, unknown>) {
  const response = await putPolicy(apiRequest("/x", { method: "PUT", token: approver, body: { ...basePolicy, ...body } }), params({ deployment: made.slug }));
  const saved = await response.json();
  expect(response.status, JSON.stringify(saved)).toBeLessThan(300);
  return saved as { id: string };
}

const source = (url: string, query = RATIO) => ({ kind: "prometheus", url, query });
const policyRow = (id: string) => db().rollbackPolicy.findUniqueOrThrow({ where: { id } });
const detections = (made: Made) => db().detection.findMany({ where: { deploymentId: made.deployment.id } });

describe("a policy reading Prometheus", () => {
  it("fires a detection on a sustained breach, with the regression start where the data turned", async () => {
    const saved = await savePolicy(breach, { source: source(prometheus.url) });
    expect(await evaluatePolicy(saved.id, { now: T - 40 * MINUTE })).toMatchObject({ status: "evaluated", verdict: "healthy", detectionId: null });
    const outcome = await evaluatePolicy(saved.id, { now: T });
    expect(outcome).toMatchObject({ status: "evaluated", verdict: "breach", detectionId: expect.any(String) });
    const [detection] = await detections(breach);
    // rate()[1m] carries the old level for up to a minute after the turn.
    expect(detection!.regressionStartedAt.getTime()).toBeGreaterThanOrEqual(T - 30 * MINUTE);
    expect(detection!.regressionStartedAt.getTime()).toBeLessThanOrEqual(T - 29 * MINUTE);
    expect(detection!.floorSource).toBe("explicit floor 0.85");
    expect(detection!.windowStats).toMatchObject({ version: "v2", count: 61, breachingCount: 61 });
  });

  it("does not fire on one spike", async () => {
    const saved = await savePolicy(spike, { source: source(prometheus.url) });
    expect(await evaluatePolicy(saved.id, { now: T })).toMatchObject({ verdict: "healthy", detectionId: null });
    expect(await detections(spike)).toHaveLength(0);
  });

  it("reads a zero-traffic NaN window and a missing series as no data, never a breach or a pass", async () => {
    const nan = await savePolicy(quiet, { source: source(prometheus.url) });
    expect(await evaluatePolicy(nan.id, { now: T })).toMatchObject({ verdict: "no_data", detectionId: null });
    expect((await policyRow(nan.id)).lastStats).toMatchObject({ code: "too_few_samples", count: 0 });
    // Eighteen minutes ago the window still had traffic for most of it, then NaN: a trailing gap.
    expect(await evaluatePolicy(nan.id, { now: T - 18 * MINUTE })).toMatchObject({ verdict: "no_data" });
    expect((await policyRow(nan.id)).lastStats).toMatchObject({ code: "trailing_gap" });

    const absent = await savePolicy(missing, { source: source(prometheus.url) });
    expect(await evaluatePolicy(absent.id, { now: T })).toMatchObject({ verdict: "no_data", detectionId: null });
    expect(await detections(quiet)).toHaveLength(0);
    expect(await detections(missing)).toHaveLength(0);
  });

  it("refuses a query that returns two series, naming them on the policy", async () => {
    const saved = await savePolicy(pods, { source: source(prometheus.url, 'router_accuracy_by_pod{deployment="{{deployment}}", version="{{version}}"}') });
    expect(await evaluatePolicy(saved.id, { now: T })).toMatchObject({ verdict: "error", detectionId: null });
    const [view] = (await (await getPolicy(apiRequest("/x", { token: operator }), params({ deployment: pods.slug }))).json()).policies;
    expect(view.lastVerdict).toBe("error");
    expect(view.lastStats).toMatchObject({ code: "configuration" });
    expect(view.lastStats.reason).toBe(
      `configuration error: the query returned 2 series, not one: {__name__="router_accuracy_by_pod", deployment="${pods.slug}", pod="a", version="v2"}, {__name__="router_accuracy_by_pod", deployment="${pods.slug}", pod="b", version="v2"}; aggregate them (e.g. sum(…)) or narrow the selector so each version has one series`,
    );
    expect(view).toMatchObject({ consecutiveErrors: 1, lastError: { message: view.lastStats.reason } });
  });

  it("records Prometheus going away as evaluation errors, never a detection, and notifies once at the limit", async () => {
    const hook = await db().webhook.create({
      data: { name: "policy-failing", url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, secret: "webhook-secret-0123456789", events: ["policy.failing"] },
    });
    try {
      const saved = await savePolicy(outage, { source: source(outagePrometheus.url), consecutiveErrorLimit: 3 });
      expect(await evaluatePolicy(saved.id, { now: T - 40 * MINUTE })).toMatchObject({ verdict: "healthy" });
      await outagePrometheus.stop();
      // The data would breach now; with Prometheus gone that must not be a detection.
      for (let tick = 1; tick <= 4; tick++) {
        expect(await evaluatePolicy(saved.id, { now: T - 5 * MINUTE + tick * 30_000 })).toMatchObject({ verdict: "error", detectionId: null });
        expect(deliveries.filter((d) => d.event === "policy.failing")).toHaveLength(tick < 3 ? 0 : 1);
      }
      const row = await policyRow(saved.id);
      expect(row).toMatchObject({ consecutiveErrors: 4, lastVerdict: "error" });
      expect(row.lastError).toMatch(/^evaluation error: Prometheus at http:\/\/127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED/);
      expect(row.lastStats).toMatchObject({ code: "evaluation" });
      expect(await detections(outage)).toHaveLength(0);
      const [notice] = deliveries;
      expect(notice!.text).toContain(`${outage.slug}: the canary_accuracy policy could not read its metric 3 times in a row — evaluation error: Prometheus at`);
      expect(notice!.details).toMatchObject({ metric: "canary_accuracy", consecutiveErrors: 3, policyId: saved.id });
      expect(await db().auditEvent.count({ where: { action: "policy.failing", targetId: saved.id } })).toBe(1);

      // Back (a new Prometheus on the same data): the breach is detected, the count starts again,
      // the last error stays to be read, and the next run of errors would notify again.
      outagePrometheus = await startPrometheus({ series: outageSeries() });
      await savePolicy(outage, { source: source(outagePrometheus.url), consecutiveErrorLimit: 3 });
      expect(await evaluatePolicy(saved.id, { now: T })).toMatchObject({ verdict: "breach", detectionId: expect.any(String) });
      expect(await policyRow(saved.id)).toMatchObject({ consecutiveErrors: 0, errorLimitNotifiedAt: null, lastError: row.lastError });
    } finally {
      await db().webhook.delete({ where: { id: hook.id } });
    }
  });

  it("establishes the prior floor from Prometheus over the prior's last live week, as computed by hand", async () => {
    const query = 'router_accuracy{deployment="{{deployment}}", version="{{version}}"}';
    const prior = { mode: "prior", quantile: 0.1, bucketSeconds: 3600, lookbackDays: 7, tolerance: 0.005 };
    const response = await putPolicy(
      apiRequest("/x", { method: "PUT", token: approver, body: { ...basePolicy, floor: prior, source: source(prometheus.url, query) } }),
      params({ deployment: floor.slug }),
    );
    const view = await response.json();
    const hourly = Array.from({ length: 7 * 24 }, (_, k) => priorHourValue(k)).sort((a, b) => a - b);
    const expected = quantileLinear(hourly, 0.1) - 0.005;
    expect(view.effectiveFloor.value).toBeCloseTo(expected, 12);
    expect(view.effectiveFloor.source).toMatchObject({ mode: "prior", version: "v1", bucketCount: 168, to: PROMOTED });
    expect(view.effectiveFloor.source.description).toBe(`v1: 7-day p10 of 1-hour means, less 0.005 = ${formatNumber(expected)}`);
  });

  it("draws the chart from query_range at about 1,000 points, with the detection's marker and shading", async () => {
    const body = await (
      await getSeries(
        apiRequest(`/x?metric=canary_accuracy&from=${new Date(T - 24 * HOUR).toISOString()}&to=${new Date(T).toISOString()}`, { token: operator }),
        params({ deployment: breach.slug }),
      )
    ).json();
    expect(body.sourceError).toBeNull();
    const live = body.series.find((s: { role: string }) => s.role === "live");
    expect(live.points.length).toBeGreaterThan(950);
    expect(live.points.length).toBeLessThanOrEqual(1000);
    expect(Math.min(...live.points.map((p: { value: number }) => p.value))).toBeCloseTo(0.8, 9);
    expect(body.breaches).toHaveLength(1);
    expect(body.markers.map((m: { kind: string }) => m.kind)).toEqual(expect.arrayContaining(["promotion", "detection"]));
  });

  it("answers Test query with the series found, the latest values and the verdict, saving nothing", async () => {
    const test = (made: Made, body: Record<string, unknown>, token = operator) =>
      testPolicy(apiRequest("/x", { method: "POST", token, body: { ...basePolicy, ...body } }), params({ deployment: made.slug }));
    const before = await db().auditEvent.count();

    const breaching = await test(breach, { source: source(prometheus.url) });
    expect(breaching.status).toBe(200);
    const result = await breaching.json();
    expect(result).toMatchObject({ version: "v2", verdict: "breach", floor: { value: 0.85, source: "explicit floor 0.85" }, seriesError: null });
    expect(result.query).toBe(RATIO.replaceAll("{{deployment}}", breach.slug).replaceAll("{{version}}", "v2"));
    expect(result.series).toHaveLength(1);
    // The window ends at the wall clock, a little after the data: 60 or 61 instants of 10 s.
    expect(result.series[0]).toMatchObject({ labels: {}, points: expect.toSatisfy((n: number) => n === 60 || n === 61), withoutValue: 0 });
    expect(result.series[0].latest.value).toBeCloseTo(0.8, 9);
    expect(result.summary).toBe(`all ${result.series[0].points} points in the 10 minute window breach the floor 0.85: a detection would fire (action: notify)`);

    const two = await (await test(pods, { source: source(prometheus.url, 'router_accuracy_by_pod{deployment="{{deployment}}", version="{{version}}"}') })).json();
    expect(two.verdict).toBe("error");
    expect(two.series.map((s: { labels: { pod: string } }) => s.labels.pod)).toEqual(["a", "b"]);
    expect(two.summary).toMatch(/^configuration error: the query returned 2 series/);

    const nan = await (await test(quiet, { source: source(prometheus.url) })).json();
    expect(nan).toMatchObject({ verdict: "no_data", series: [{ points: 0, latest: null }] });
    expect(nan.series[0].withoutValue).toBeGreaterThanOrEqual(60);

    const refused = await test(breach, { source: { ...source(prometheus.url), query: "up" } });
    expect(refused.status).toBe(400);
    expect((await refused.json()).message).toBe('source.query: the query must contain {{version}}, so that each version reads its own series, e.g. {version="{{version}}"}');

    // A credential on a connection no saved policy uses: an APPROVER's call, not an OPERATOR's.
    process.env.PROM_TEST_TOKEN = "token-0123456789";
    try {
      const withToken = { source: { ...source(prometheus.url), auth: { type: "bearer", tokenEnv: "PROM_TEST_TOKEN" } } };
      const forbidden = await test(spike, withToken);
      expect(forbidden.status).toBe(403);
      expect((await forbidden.json()).message).toMatch(/^source: this connection reads PROM_TEST_TOKEN from the environment and no saved policy of /);
      expect((await test(spike, withToken, approver)).status).toBe(200);
    } finally {
      delete process.env.PROM_TEST_TOKEN;
    }
    expect(await db().auditEvent.count()).toBe(before);
    expect((await (await getPolicy(apiRequest("/x", { token: operator }), params({ deployment: breach.slug }))).json()).policies[0].source.query).toBe(RATIO);
  });
});
