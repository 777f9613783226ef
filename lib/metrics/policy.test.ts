import { describe, expect, it } from "vitest";
import { degradeLevelOf, rollbackPolicySchema, type RollbackPolicyInput } from "./policy";

const valid: RollbackPolicyInput = {
  metric: "canary_accuracy",
  direction: "higher_is_better",
  floor: { mode: "prior", quantile: 0.1, bucketSeconds: 3600, lookbackDays: 7, tolerance: 0.005 },
  windowSeconds: 1800,
  evaluationIntervalSeconds: 60,
  minSamples: 120,
  action: "request",
};

/** Parses `input`, expects refusal, and returns the issues as "path: message". */
function refusals(input: unknown): string[] {
  const result = rollbackPolicySchema.safeParse(input);
  expect(result.success).toBe(false);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

function expectRefused(patch: Record<string, unknown>, path: string, field: string = path) {
  const issues = refusals({ ...valid, ...patch });
  const issue = issues.find((i) => i.startsWith(`${path}: `));
  expect(issue, `issues were ${JSON.stringify(issues)}`).toBeDefined();
  expect(issue?.slice(path.length + 2)).toContain(field);
}

const prior = valid.floor;

describe("rollbackPolicySchema", () => {
  it("takes degrade:<level> as an action, naming the levels when one is wrong", () => {
    const parsed = rollbackPolicySchema.parse({ ...valid, action: "degrade:fallback" });
    expect(degradeLevelOf(parsed.action)).toBe("fallback");
    expect(degradeLevelOf("request")).toBeNull();
    const wrong = rollbackPolicySchema.safeParse({ ...valid, action: "degrade:sideways" });
    expect(wrong.error?.issues[0]?.message).toContain("degrade:reduced, degrade:fallback, degrade:off");
  });

  it("accepts the worked example and applies the sampleIntervalSeconds default", () => {
    const parsed = rollbackPolicySchema.parse(valid);
    expect(parsed.sampleIntervalSeconds).toBe(10);
    expect(parsed.floor).toEqual(valid.floor);
  });

  it("accepts an explicit floor and a lower-is-better metric", () => {
    const parsed = rollbackPolicySchema.parse({
      ...valid,
      metric: "latency.p95-ms",
      direction: "lower_is_better",
      floor: { mode: "explicit", value: 250 },
      action: "auto",
    });
    expect(parsed.floor).toEqual({ mode: "explicit", value: 250 });
  });

  it.each([
    [{ metric: "" }, "metric"],
    [{ metric: "x".repeat(101) }, "metric"],
    [{ metric: "Canary Accuracy" }, "metric"],
    [{ metric: 42 }, "metric"],
    [{ direction: "up" }, "direction"],
    [{ action: "rollback" }, "action"],
    [{ windowSeconds: 30, evaluationIntervalSeconds: 10, minSamples: 1 }, "windowSeconds"],
    [{ windowSeconds: 7 * 86_400 + 1 }, "windowSeconds"],
    [{ windowSeconds: 1800.5 }, "windowSeconds"],
    [{ evaluationIntervalSeconds: 4 }, "evaluationIntervalSeconds"],
    [{ minSamples: 0 }, "minSamples"],
    [{ minSamples: 2.5 }, "minSamples"],
    [{ sampleIntervalSeconds: 0 }, "sampleIntervalSeconds"],
  ])("refuses %j with a message naming %s", (patch, field) => {
    expectRefused(patch, field);
  });

  it("refuses a window shorter than the evaluation interval", () => {
    expectRefused({ windowSeconds: 300, evaluationIntervalSeconds: 600, minSamples: 10 }, "windowSeconds");
    const [issue] = refusals({ ...valid, windowSeconds: 300, evaluationIntervalSeconds: 600, minSamples: 10 });
    expect(issue).toContain("evaluationIntervalSeconds");
    expect(rollbackPolicySchema.safeParse({ ...valid, windowSeconds: 600, evaluationIntervalSeconds: 600, minSamples: 10 }).success).toBe(true);
  });

  it("refuses more minSamples than the window can hold at sampleIntervalSeconds", () => {
    // 1800 s at one point per 10 s holds 180 points.
    expect(rollbackPolicySchema.safeParse({ ...valid, minSamples: 180 }).success).toBe(true);
    expectRefused({ minSamples: 181 }, "minSamples");
    expectRefused({ minSamples: 31, sampleIntervalSeconds: 60 }, "minSamples", "sampleIntervalSeconds");
    expect(rollbackPolicySchema.safeParse({ ...valid, minSamples: 30, sampleIntervalSeconds: 60 }).success).toBe(true);
  });

  it.each([
    [{ ...prior, quantile: 0 }, "floor.quantile"],
    [{ ...prior, quantile: 1 }, "floor.quantile"],
    [{ ...prior, quantile: "0.1" }, "floor.quantile"],
    [{ ...prior, bucketSeconds: 59 }, "floor.bucketSeconds"],
    [{ ...prior, bucketSeconds: 3600.5 }, "floor.bucketSeconds"],
    [{ ...prior, bucketSeconds: 2 * 86_400, lookbackDays: 1 }, "floor.bucketSeconds"],
    [{ ...prior, lookbackDays: 0 }, "floor.lookbackDays"],
    [{ ...prior, lookbackDays: 91 }, "floor.lookbackDays"],
    [{ ...prior, tolerance: -0.001 }, "floor.tolerance"],
    [{ mode: "explicit", value: Number.POSITIVE_INFINITY }, "floor.value"],
    [{ mode: "explicit", value: Number.NaN }, "floor.value"],
    [{ mode: "explicit" }, "floor.value"],
    [{ mode: "median" }, "floor.mode"],
  ])("refuses floor %j with a message naming %s", (floor, field) => {
    expectRefused({ floor }, field);
  });

  it("refuses unknown keys rather than dropping them", () => {
    expect(rollbackPolicySchema.safeParse({ ...valid, minSample: 3 }).success).toBe(false);
    expect(
      rollbackPolicySchema.safeParse({ ...valid, floor: { ...prior, quantlie: 0.2 } }).success,
    ).toBe(false);
  });
});
