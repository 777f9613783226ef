import { describe, expect, it } from "vitest";
import { chartStepMs, floorStepMs, PROMETHEUS_MAX_POINTS, rangeRequests } from "./range-plan";

const points = (r: { start: number; end: number; stepMs: number }) => (r.end - r.start) / r.stepMs + 1;

describe("query_range requests", () => {
  it("puts instants on a grid of the step, so consecutive reads see the same instants", () => {
    expect(rangeRequests(1_005, 61_000, 10_000)).toEqual([{ start: 10_000, end: 60_000, stepMs: 10_000 }]);
    expect(rangeRequests(5_000, 9_000, 10_000)).toEqual([]);
    expect(rangeRequests(0, 30_000, 10_000, { anchor: 4_999 })).toEqual([{ start: 4_999, end: 24_999, stepMs: 10_000 }]);
  });

  it("splits a range longer than Prometheus answers in one request, without losing or repeating an instant", () => {
    const week = 7 * 86_400_000;
    const requests = rangeRequests(0, week, 1000);
    expect(requests.every((r) => points(r) <= PROMETHEUS_MAX_POINTS)).toBe(true);
    expect(requests.reduce((n, r) => n + points(r), 0)).toBe(week / 1000 + 1);
    for (let i = 1; i < requests.length; i++) expect(requests[i]!.start - requests[i - 1]!.end).toBe(1000);
  });

  it("gives the chart about maxPoints instants in whole seconds", () => {
    const day = 86_400_000;
    const step = chartStepMs(0, day, 1000);
    expect(step % 1000).toBe(0);
    const n = rangeRequests(0, day, step).reduce((sum, r) => sum + points(r), 0);
    expect(n).toBeLessThanOrEqual(1000);
    expect(n).toBeGreaterThan(950);
    expect(chartStepMs(0, 60_000, 1000)).toBe(1000);
  });

  it("reads a floor's lookback in one request with whole steps per bucket", () => {
    const week = 7 * 86_400_000;
    const step = floorStepMs(3600, week);
    expect(3_600_000 % step).toBe(0);
    expect(week / step).toBeLessThanOrEqual(10_000);
    // 90 days of 1-minute buckets cannot fit one request without leaving buckets empty.
    expect(floorStepMs(60, 90 * 86_400_000)).toBe(60_000);
  });
});
