import { describe, expect, it } from "vitest";
import {
  defaultMinBuckets,
  establishPriorFloor,
  explicitFloor,
  humaniseSeconds,
  quantileLinear,
} from "./floor";
import type { MetricSample } from "./types";

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 5, 1, 9, 0, 0);
const RULE = { quantile: 0.1, bucketSeconds: 3600, lookbackDays: 7, tolerance: 0.005 };

/** One point per hour for the 168 hours before NOW, value from `valueAt(hourIndex)` (0 = oldest). */
function hourly(valueAt: (h: number) => number, hours = 168): MetricSample[] {
  return Array.from({ length: hours }, (_, h) => ({
    ts: NOW - (hours - h) * HOUR + 30 * 60_000,
    value: valueAt(h),
    sampleCount: 100,
  }));
}

describe("quantileLinear", () => {
  it("interpolates between closest ranks", () => {
    expect(quantileLinear([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantileLinear([1, 2, 3, 4, 5], 0.1)).toBeCloseTo(1.4, 12);
    expect(quantileLinear([10, 20], 0.25)).toBeCloseTo(12.5, 12);
    expect(quantileLinear([7], 0.9)).toBe(7);
    expect(() => quantileLinear([], 0.5)).toThrow(RangeError);
  });
});

describe("establishPriorFloor", () => {
  it("takes the q-quantile of bucket means less the tolerance, and describes it", () => {
    // Bucket means 0.900, 0.901, …, 0.9167 repeated: a known spread.
    const samples = hourly((h) => 0.9 + (h % 17) / 1000);
    const result = establishPriorFloor({
      samples,
      rule: RULE,
      direction: "higher_is_better",
      now: NOW,
      priorVersion: "v13",
    });
    expect(result.kind).toBe("established");
    if (result.kind !== "established") return;
    const means = samples.map((s) => s.value).sort((a, b) => a - b);
    const expected = quantileLinear(means, 0.1) - 0.005;
    expect(result.value).toBeCloseTo(expected, 12);
    expect(result.source).toMatchObject({ mode: "prior", version: "v13", bucketCount: 168 });
    expect(result.source.quantileValue).toBeCloseTo(expected + 0.005, 12);
    expect(result.source.from).toBe(NOW - 7 * 24 * HOUR);
    expect(result.source.to).toBe(NOW);
  });

  it("reads like the UI quotes it", () => {
    const result = establishPriorFloor({
      samples: hourly(() => 0.91),
      rule: RULE,
      direction: "higher_is_better",
      now: NOW,
      priorVersion: "v13",
    });
    expect(result.kind === "established" && result.source.description).toBe(
      "v13: 7-day p10 of 1-hour means, less 0.005 = 0.905",
    );
  });

  it("weights each bucket mean by sample count", () => {
    // Every hour: one point of 0.8 with 1 request and one of 0.9 with 9 → bucket mean 0.89.
    const samples = hourly(() => 0.8).flatMap((s) => [
      { ...s, sampleCount: 1 },
      { ts: s.ts + 60_000, value: 0.9, sampleCount: 9 },
    ]);
    const result = establishPriorFloor({
      samples,
      rule: { ...RULE, tolerance: 0 },
      direction: "higher_is_better",
      now: NOW,
      priorVersion: "v13",
    });
    expect(result.kind === "established" && result.value).toBeCloseTo(0.89, 12);
    expect(result.kind === "established" && result.source.description).toBe(
      "v13: 7-day p10 of 1-hour means = 0.89",
    );
  });

  it("uses the (1 − q) quantile plus tolerance for lower_is_better", () => {
    // Latency bucket means 100..267 ms.
    const samples = hourly((h) => 100 + h);
    const result = establishPriorFloor({
      samples,
      rule: { ...RULE, tolerance: 20 },
      direction: "lower_is_better",
      now: NOW,
      priorVersion: "v13",
    });
    expect(result.kind).toBe("established");
    if (result.kind !== "established") return;
    const expected = quantileLinear(samples.map((s) => s.value), 0.9) + 20;
    expect(result.value).toBeCloseTo(expected, 9);
    expect(result.value).toBeCloseTo(100 + 0.9 * 167 + 20, 9);
    expect(result.source.description).toBe("v13: 7-day p90 of 1-hour means, plus 20 = 270.3");
  });

  it("only uses points inside the lookback before now", () => {
    const inside = hourly(() => 0.95);
    const outside: MetricSample[] = [
      { ts: NOW - 8 * 24 * HOUR, value: 0.1, sampleCount: 1000 },
      { ts: NOW, value: 0.1, sampleCount: 1000 },
      { ts: NOW + HOUR, value: 0.1, sampleCount: 1000 },
    ];
    const result = establishPriorFloor({
      samples: [...outside, ...inside],
      rule: { ...RULE, tolerance: 0 },
      direction: "higher_is_better",
      now: NOW,
      priorVersion: "v13",
    });
    expect(result.kind === "established" && result.value).toBeCloseTo(0.95, 12);
  });

  it("groups points into buckets counted back from now", () => {
    const samples: MetricSample[] = [
      { ts: NOW - 1, value: 0.9, sampleCount: 1 },
      { ts: NOW - HOUR, value: 0.8, sampleCount: 1 }, // same bucket as NOW − 1
      { ts: NOW - HOUR - 1, value: 0.5, sampleCount: 1 },
    ];
    const result = establishPriorFloor({
      samples,
      rule: { ...RULE, quantile: 0.5, tolerance: 0 },
      direction: "higher_is_better",
      now: NOW,
      priorVersion: "v13",
      minBuckets: 2,
    });
    expect(result.kind === "established" && result.source.bucketCount).toBe(2);
    // Bucket means 0.85 and 0.5 → median 0.675.
    expect(result.kind === "established" && result.value).toBeCloseTo(0.675, 12);
  });

  it("reports insufficient history instead of a floor", () => {
    const result = establishPriorFloor({
      samples: hourly(() => 0.91, 30),
      rule: RULE,
      direction: "higher_is_better",
      now: NOW,
      priorVersion: "v13",
    });
    expect(result).toMatchObject({
      kind: "insufficient_history",
      version: "v13",
      bucketCount: 30,
      requiredBuckets: 42,
    });
    expect(result.kind === "insufficient_history" && result.message).toContain("1-hour");

    const empty = establishPriorFloor({
      samples: [],
      rule: RULE,
      direction: "higher_is_better",
      now: NOW,
      priorVersion: "v13",
    });
    expect(empty).toMatchObject({ kind: "insufficient_history", bucketCount: 0 });
  });

  it("ignores points with no observations or non-finite values", () => {
    const samples = hourly(() => 0.91).concat([
      { ts: NOW - HOUR / 2, value: 0.1, sampleCount: 0 },
      { ts: NOW - HOUR / 2, value: Number.NaN, sampleCount: 10 },
    ]);
    const result = establishPriorFloor({
      samples,
      rule: { ...RULE, quantile: 0.01, tolerance: 0 },
      direction: "higher_is_better",
      now: NOW,
      priorVersion: "v13",
    });
    expect(result.kind === "established" && result.value).toBeCloseTo(0.91, 12);
  });

  it("refuses an out-of-range quantile", () => {
    expect(() =>
      establishPriorFloor({
        samples: [],
        rule: { ...RULE, quantile: 1 },
        direction: "higher_is_better",
        now: NOW,
        priorVersion: "v13",
      }),
    ).toThrow(RangeError);
  });
});

describe("explicitFloor", () => {
  it("has the same shape as a prior floor", () => {
    expect(explicitFloor(0.9)).toEqual({
      kind: "established",
      value: 0.9,
      source: { mode: "explicit", description: "explicit floor 0.9" },
    });
    expect(() => explicitFloor(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe("formatting", () => {
  it("humanises bucket sizes", () => {
    expect(humaniseSeconds(60)).toBe("1-minute");
    expect(humaniseSeconds(900)).toBe("15-minute");
    expect(humaniseSeconds(3600)).toBe("1-hour");
    expect(humaniseSeconds(21_600)).toBe("6-hour");
    expect(humaniseSeconds(86_400)).toBe("1-day");
    expect(humaniseSeconds(90)).toBe("90-second");
  });

  it("requires a quarter of the lookback's buckets, at least two", () => {
    expect(defaultMinBuckets({ bucketSeconds: 3600, lookbackDays: 7 })).toBe(42);
    expect(defaultMinBuckets({ bucketSeconds: 86_400, lookbackDays: 1 })).toBe(2);
  });
});
