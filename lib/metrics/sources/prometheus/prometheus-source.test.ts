import { createServer, type Server } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestCertificate, startPrometheus, type PromSample, type PromSeries, type RunningPrometheus } from "@/lib/testing/prometheus";
import { metricSources } from "..";
import type { MetricSource, SeriesRef } from "../source";

// The prometheus source against Debian's Prometheus on backfilled data: what each reader gets,
// and what each kind of failure becomes.

const STEP = 10_000;
const HOUR = 3_600_000;
const now = Math.floor(Date.now() / STEP) * STEP;
const RATIO = 'sum(rate(router_correct_total{version="{{version}}"}[1m])) / sum(rate(router_requests_total{version="{{version}}"}[1m]))';

function samples(from: number, to: number, value: (ts: number) => number): PromSample[] {
  const out: PromSample[] = [];
  for (let ts = from; ts <= to; ts += STEP) out.push([ts, value(ts)]);
  return out;
}

/** Counters of a router that answers 100 requests a step, `accuracy(ts)` of them correct. */
function router(version: string, accuracy: (ts: number) => number, perStep = 100): PromSeries[] {
  let requests = 0;
  let correct = 0;
  const rows = samples(now - 3 * HOUR, now, (ts) => ts).map(([ts]) => {
    requests += perStep;
    correct += perStep * accuracy(ts);
    return { ts, requests, correct };
  });
  return [
    { name: "router_requests_total", type: "counter" as const, labels: { version }, samples: rows.map((r) => [r.ts, r.requests] as const) },
    { name: "router_correct_total", type: "counter" as const, labels: { version }, samples: rows.map((r) => [r.ts, r.correct] as const) },
  ];
}

const series: PromSeries[] = [
  ...router("v2", () => 0.9),
  // No traffic at all: the ratio is 0/0.
  ...router("v3", () => 0.9, 0),
  { name: "acc_by_pod", labels: { version: "v2", pod: "a" }, samples: samples(now - HOUR, now, () => 0.9) },
  { name: "acc_by_pod", labels: { version: "v2", pod: "b" }, samples: samples(now - HOUR, now, () => 0.8) },
  // v1 held 0.90 + 0.01·(hour mod 5) for the week before it was replaced two hours ago.
  { name: "acc", labels: { version: "v1" }, samples: samples(now - 2 * HOUR - 7 * 24 * HOUR, now - 2 * HOUR - STEP, (ts) => 0.9 + 0.01 * (Math.floor(ts / HOUR) % 5)) },
];

const ref = (version: string): SeriesRef => ({ deploymentId: 1, deployment: "support-router", metric: "canary_accuracy", versionId: 1, version });
const sourceOf = (config: Record<string, unknown>, env: Record<string, string> = {}): MetricSource =>
  metricSources.create(metricSources.toStored(metricSources.inputSchema.parse({ kind: "prometheus", ...config })), { secret: (name) => env[name] });
const lastMinutes = (minutes: number) => ({ from: now - minutes * 60_000, to: now, stepSeconds: 10 });

describe("the prometheus metric source", () => {
  let prometheus: RunningPrometheus;
  beforeAll(async () => {
    prometheus = await startPrometheus({ series, routePrefix: "/prom" });
  }, 60_000);
  afterAll(() => prometheus?.stop());

  it("reads the window at the sample interval, under the URL's path prefix", async () => {
    const window = await sourceOf({ url: prometheus.url, query: RATIO }).window(ref("v2"), lastMinutes(10));
    expect(window).toHaveLength(61);
    expect(window[0]!.ts).toBe(now - 10 * 60_000);
    expect(window[60]!.ts).toBe(now);
    for (const sample of window) {
      expect(sample.value).toBeCloseTo(0.9, 12);
      expect(sample.sampleCount).toBe(1);
    }
  });

  it("leaves NaN (zero traffic) and a missing series out: no samples, never a value", async () => {
    const source = sourceOf({ url: prometheus.url, query: RATIO });
    const zeroTraffic = await source.inspect(ref("v3"), lastMinutes(10));
    expect(zeroTraffic.series).toEqual([{ labels: {}, points: 0, withoutValue: 61, latest: null }]);
    expect(await source.window(ref("v3"), lastMinutes(10))).toEqual([]);
    expect(await source.window(ref("v9"), lastMinutes(10))).toEqual([]);
  });

  it("refuses a query that gives several series, naming each label set", async () => {
    const source = sourceOf({ url: prometheus.url, query: 'acc_by_pod{version="{{version}}"}' });
    await expect(source.window(ref("v2"), lastMinutes(10))).rejects.toMatchObject({
      kind: "configuration",
      message:
        'the query returned 2 series, not one: {__name__="acc_by_pod", pod="a", version="v2"}, {__name__="acc_by_pod", pod="b", version="v2"}; aggregate them (e.g. sum(…)) or narrow the selector so each version has one series',
    });
    const found = await source.inspect(ref("v2"), lastMinutes(10));
    expect(found.query).toBe('acc_by_pod{version="v2"}');
    expect(found.series.map((s) => [s.labels.pod, s.points, s.latest?.value])).toEqual([
      ["a", 61, 0.9],
      ["b", 61, 0.8],
    ]);
  });

  it("keeps a version id inside its quotes", async () => {
    const source = sourceOf({ url: prometheus.url, query: 'acc{version="{{version}}"}' });
    expect(await source.window(ref('v1"} or vector(1) or acc{x="'), lastMinutes(10))).toEqual([]);
  });

  it("records what Prometheus said: bad_data is the query's fault, execution errors are this read's", async () => {
    await expect(sourceOf({ url: prometheus.url, query: 'sum(rate(acc{version="{{version}}"}[5m])' }).window(ref("v2"), lastMinutes(10))).rejects.toMatchObject({
      kind: "configuration",
      message: expect.stringMatching(/^Prometheus refused the query \(400 bad_data: .*parse error/),
    });
    await expect(sourceOf({ url: prometheus.url, query: 'acc_by_pod{version="{{version}}"} * on() vector(1)' }).window(ref("v2"), lastMinutes(10))).rejects.toMatchObject({
      kind: "evaluation",
      message: expect.stringMatching(/^Prometheus could not run the query \(422 execution: .*many-to-one/),
    });
    await expect(sourceOf({ url: `${prometheus.url}/nope`, query: 'acc{version="{{version}}"}' }).window(ref("v2"), lastMinutes(10))).rejects.toMatchObject({
      kind: "configuration",
      message: expect.stringMatching(/^no Prometheus API at .*\/nope\/api\/v1\/query_range \(404\); check the URL and its path prefix$/),
    });
  });

  it("splits a long window into requests Prometheus accepts", async () => {
    const window = await sourceOf({ url: prometheus.url, query: RATIO, timeoutSeconds: 30 }).window(ref("v2"), { from: now - 2 * HOUR, to: now, stepSeconds: 1 });
    expect(window).toHaveLength(2 * 3600 + 1);
    expect(new Set(window.map((s) => s.ts)).size).toBe(window.length);
  });

  it("establishes the prior's history from its series, ending after its last sample", async () => {
    const history = await sourceOf({ url: prometheus.url, query: 'acc{version="{{version}}"}' }).priorHistory(ref("v1"), { before: now, lookbackDays: 7, bucketSeconds: 3600 });
    // The series' last sample is two hours before `before`; Prometheus repeats it for its five-minute lookback.
    const lastSample = now - 2 * HOUR - STEP;
    expect(history!.until).toBeLessThanOrEqual(lastSample + 5 * 60_000 + 1);
    expect(history!.until).toBeGreaterThan(lastSample + 5 * 60_000 - 72_000);
    expect(history!.buckets.length).toBe(168);
    for (const bucket of history!.buckets) {
      expect(bucket.value).toBeGreaterThanOrEqual(0.9 - 1e-9);
      expect(bucket.value).toBeLessThanOrEqual(0.94 + 1e-9);
    }
  });

  it("draws about maxPoints chart points over a day", async () => {
    const points = await sourceOf({ url: prometheus.url, query: RATIO }).chartSeries(ref("v2"), { from: now - 24 * HOUR, to: now, maxPoints: 1000 });
    // Three hours of data in a day's range: about an eighth of the ~1,000 instants.
    expect(points.length).toBeGreaterThan(110);
    expect(points.length).toBeLessThanOrEqual(130);
  });
});

describe("reaching Prometheus", () => {
  it("answers unreachable and timed-out reads as evaluation errors", async () => {
    const stopped = await startPrometheus();
    await stopped.stop();
    await expect(sourceOf({ url: stopped.url, query: 'acc{version="{{version}}"}' }).window(ref("v2"), lastMinutes(10))).rejects.toMatchObject({
      kind: "evaluation",
      message: expect.stringMatching(/^Prometheus at http:\/\/127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED/),
    });
    // Accepts connections and never answers.
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      await expect(sourceOf({ url: `http://127.0.0.1:${port}`, query: 'acc{version="{{version}}"}', timeoutSeconds: 1 }).window(ref("v2"), lastMinutes(10))).rejects.toMatchObject({
        kind: "evaluation",
        message: `no answer from Prometheus at http://127.0.0.1:${port} within 1 s`,
      });
    } finally {
      silent.close();
    }
  }, 60_000);

  describe("over TLS with basic auth", () => {
    let dir: string;
    let prometheus: RunningPrometheus;
    let certFile: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "reversegate-tls-"));
      const certificate = await makeTestCertificate(dir);
      certFile = certificate.certFile;
      // bcrypt of "test-password".
      prometheus = await startPrometheus({
        series,
        web: { tls: certificate, basicAuthUsers: { reversegate: "$2b$10$abcdefghijklmnopqrstuuE9TBk/EnyAb.Nro1HOMe48g6brap6WS" } },
      });
    }, 60_000);
    afterAll(async () => {
      await prometheus?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    const auth = { type: "basic", username: "reversegate", passwordEnv: "PROM_PASSWORD" };

    it("trusts the server through tls.caFile and sends the password from the named variable", async () => {
      const source = sourceOf({ url: prometheus.url, query: RATIO, auth, tls: { caFile: certFile } }, { PROM_PASSWORD: "test-password" });
      expect(await source.window(ref("v2"), lastMinutes(1))).toHaveLength(7);
      const insecure = sourceOf({ url: prometheus.url, query: RATIO, auth, tls: { insecureSkipVerify: true } }, { PROM_PASSWORD: "test-password" });
      expect(await insecure.window(ref("v2"), lastMinutes(1))).toHaveLength(7);
    });

    it("says what is wrong: an untrusted certificate, a refused password, an unset variable", async () => {
      await expect(sourceOf({ url: prometheus.url, query: RATIO, auth }, { PROM_PASSWORD: "test-password" }).window(ref("v2"), lastMinutes(1))).rejects.toMatchObject({
        kind: "configuration",
        message: expect.stringMatching(/its TLS certificate is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\); set tls\.caFile/),
      });
      await expect(sourceOf({ url: prometheus.url, query: RATIO, auth, tls: { caFile: certFile } }, { PROM_PASSWORD: "wrong" }).window(ref("v2"), lastMinutes(1))).rejects.toMatchObject({
        kind: "configuration",
        message: expect.stringMatching(/^Prometheus refused the credentials \(401/),
      });
      await expect(sourceOf({ url: prometheus.url, query: RATIO, auth, tls: { caFile: certFile } }).window(ref("v2"), lastMinutes(1))).rejects.toMatchObject({
        kind: "configuration",
        message: "the environment variable PROM_PASSWORD (auth.passwordEnv) is not set",
      });
    });
  });
});
