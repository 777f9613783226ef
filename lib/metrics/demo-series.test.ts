import { afterEach, describe, expect, it, vi } from "vitest";
import {
  DEMO_DEPLOYMENT,
  DEMO_METRIC,
  demoPolicy,
  demoPolicyFor,
  generateDemoSeries,
  type DemoPoint,
} from "./demo-series";
import { evaluateWindow, findFirstFiringTime } from "./evaluator";
import { establishPriorFloor } from "./floor";
import { rollbackPolicySchema } from "./policy";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const PROMOTED_AT = Date.UTC(2026, 5, 10, 9, 0, 0);

const demo10 = generateDemoSeries({ promotedAt: PROMOTED_AT });
const demo60 = generateDemoSeries({ promotedAt: PROMOTED_AT, intervalSeconds: 60 });

const mean = (points: readonly DemoPoint[]) => points.reduce((s, p) => s + p.value, 0) / points.length;

describe("demoPolicy", () => {
  it("is a valid policy matching the worked example", () => {
    expect(rollbackPolicySchema.parse(demoPolicy)).toEqual(demoPolicy);
    expect(demoPolicy).toMatchObject({
      metric: "canary_accuracy",
      direction: "higher_is_better",
      floor: { mode: "prior", quantile: 0.1, bucketSeconds: 3600, lookbackDays: 7, tolerance: 0.005 },
      windowSeconds: 1800,
      evaluationIntervalSeconds: 60,
      minSamples: 120,
      sampleIntervalSeconds: 10,
      action: "request",
    });
    expect(demoPolicyFor(60)).toMatchObject({ minSamples: 20, sampleIntervalSeconds: 60 });
  });
});

describe.each([
  ["10-second", demo10, 10],
  ["60-second", demo60, 60],
])("generateDemoSeries with %s points", (_, demo, interval) => {
  const v13Before = demo.points.filter((p) => p.version === "v13" && p.ts < PROMOTED_AT);
  const v14 = demo.points.filter((p) => p.version === "v14");
  const v13After = demo.points.filter((p) => p.version === "v13" && p.ts >= PROMOTED_AT);

  it("lays out 14 days of v13, then v14, then v13 again, sorted and labelled", () => {
    expect(v13Before.length).toBe((14 * DAY) / (interval * 1000));
    expect(v13Before[0]?.ts).toBe(PROMOTED_AT - 14 * DAY);
    expect(v14[0]?.ts).toBe(PROMOTED_AT);
    const sorted = demo.points.every((p, i) => i === 0 || p.ts >= (demo.points[i - 1] as DemoPoint).ts);
    expect(sorted).toBe(true);
    expect(demo.points.every((p) => p.deployment === DEMO_DEPLOYMENT && p.metric === DEMO_METRIC)).toBe(true);
    expect(demo.points.every((p) => p.value >= 0 && p.value <= 1 && p.sampleCount >= 1)).toBe(true);
    expect(demo.policy).toEqual(demoPolicyFor(interval));
  });

  it("establishes a prior floor of about 0.905 from v13's history", () => {
    expect(demo.floor.value).toBeGreaterThan(0.904);
    expect(demo.floor.value).toBeLessThan(0.906);
    expect(demo.floor.source.description).toMatch(/^v13: 7-day p10 of 1-hour means, less 0\.005 = 0\.90(4|5|6)\d*$/);
    expect(Math.abs(mean(v13Before) - 0.915)).toBeLessThan(0.001);
  });

  it("holds v14 at about 0.92 for two days, through one bad minute that does not fire", () => {
    const hold = v14.filter((p) => p.ts < demo.slideStartedAt);
    expect(demo.slideStartedAt - PROMOTED_AT).toBe(2 * DAY);
    expect(Math.abs(mean(hold) - 0.92)).toBeLessThan(0.001);
    const dip = hold.filter((p) => p.ts >= demo.dipAt && p.ts < demo.dipAt + MINUTE);
    expect(dip.length).toBeGreaterThan(0);
    expect(dip.every((p) => p.value < demo.floor.value)).toBe(true);
    const atDip = evaluateWindow({
      samples: v14,
      now: demo.dipAt + MINUTE,
      windowSeconds: demo.policy.windowSeconds,
      minSamples: demo.policy.minSamples,
      floor: demo.floor.value,
      direction: "higher_is_better",
      expectedSampleIntervalSeconds: interval,
    });
    expect(atDip.verdict).toBe("healthy");
  });

  it("detects the regression about six hours after the slide starts, where the evaluator does", () => {
    const sinceSlide = demo.detectedAt - demo.slideStartedAt;
    expect(sinceSlide).toBeGreaterThan(5.5 * HOUR);
    expect(sinceSlide).toBeLessThan(6.25 * HOUR);

    // Recomputed from the returned points alone.
    const floor = establishPriorFloor({
      samples: v13Before,
      rule: { quantile: 0.1, bucketSeconds: 3600, lookbackDays: 7, tolerance: 0.005 },
      direction: "higher_is_better",
      now: PROMOTED_AT,
      priorVersion: "v13",
    });
    expect(floor.kind === "established" && floor.value).toBe(demo.floor.value);
    const firing = findFirstFiringTime({
      samples: v14,
      from: PROMOTED_AT,
      windowSeconds: demo.policy.windowSeconds,
      evaluationIntervalSeconds: demo.policy.evaluationIntervalSeconds,
      minSamples: demo.policy.minSamples,
      expectedSampleIntervalSeconds: demo.policy.sampleIntervalSeconds,
      floor: demo.floor.value,
      direction: "higher_is_better",
    });
    expect(firing?.firedAt).toBe(demo.detectedAt);
    expect(firing?.verdict.regressionStartedAt).toBe(demo.regressionStartedAt);
    expect(demo.regressionStartedAt).toBeGreaterThan(demo.slideStartedAt);
    expect(demo.detectedAt - demo.regressionStartedAt).toBeGreaterThanOrEqual(demo.policy.windowSeconds * 1000);
    expect(demo.detectedAt - demo.regressionStartedAt).toBeLessThan(demo.policy.windowSeconds * 1000 + 5 * MINUTE);
  });

  it("rolls back within nine minutes of detection, after which v13 serves at about 0.91", () => {
    expect(demo.rollbackStartedAt).toBeGreaterThan(demo.detectedAt);
    expect(demo.rollbackCompletedAt - demo.detectedAt).toBe(9 * MINUTE);
    expect(v14.every((p) => p.ts < demo.rollbackCompletedAt)).toBe(true);
    expect((v14[v14.length - 1] as DemoPoint).value).toBeLessThan(0.84);
    expect(v13After[0]?.ts).toBeGreaterThanOrEqual(demo.rollbackStartedAt);
    const ramp = v13After.filter((p) => p.ts < demo.rollbackCompletedAt);
    const full = v13After.filter((p) => p.ts >= demo.rollbackCompletedAt);
    expect(ramp.length).toBeGreaterThan(0);
    expect(Math.max(...ramp.map((p) => p.sampleCount))).toBeLessThan(Math.min(...full.map((p) => p.sampleCount)));
    expect(Math.abs(mean(full) - 0.91)).toBeLessThan(0.002);
    expect(full[full.length - 1]?.ts).toBeGreaterThanOrEqual(demo.rollbackCompletedAt + 6 * HOUR - interval * 1000);
  });
});

describe("generateDemoSeries determinism", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is a pure function of its options and never calls Math.random", () => {
    vi.spyOn(Math, "random").mockImplementation(() => {
      throw new Error("Math.random called");
    });
    const again = generateDemoSeries({ promotedAt: PROMOTED_AT, intervalSeconds: 60 });
    expect(again).toEqual(demo60);
    const other = generateDemoSeries({ promotedAt: PROMOTED_AT, intervalSeconds: 60, seed: 7 });
    expect(other.points.map((p) => p.value)).not.toEqual(demo60.points.map((p) => p.value));
  });

  it("honours endAt and refuses impractical intervals", () => {
    const short = generateDemoSeries({ promotedAt: PROMOTED_AT, intervalSeconds: 60, endAt: 0 });
    expect(short.points[short.points.length - 1]?.ts).toBeLessThanOrEqual(short.rollbackCompletedAt);
    expect(() => generateDemoSeries({ promotedAt: PROMOTED_AT, intervalSeconds: 1 })).toThrow(RangeError);
    expect(() => generateDemoSeries({ promotedAt: PROMOTED_AT, intervalSeconds: 12.5 })).toThrow(RangeError);
  });
});
