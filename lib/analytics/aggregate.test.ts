import { describe, expect, it } from "vitest";
import { durationStatsByPeriod, periodStart, periodsBetween, quantile, rate, rateByPeriod, toCsv } from "./aggregate";

const at = (iso: string) => new Date(iso);
const MIN = 60_000;

describe("periods", () => {
  it("starts weeks on Monday 00:00 UTC and months on the 1st", () => {
    // 2026-06-15 is a Monday; Sunday the 21st still belongs to that week.
    expect(periodStart(at("2026-06-21T23:59:00Z"), "week").toISOString()).toBe("2026-06-15T00:00:00.000Z");
    expect(periodStart(at("2026-06-15T00:00:00Z"), "week").toISOString()).toBe("2026-06-15T00:00:00.000Z");
    expect(periodStart(at("2026-06-14T23:59:59Z"), "week").toISOString()).toBe("2026-06-08T00:00:00.000Z");
    expect(periodStart(at("2026-06-30T12:00:00Z"), "month").toISOString()).toBe("2026-06-01T00:00:00.000Z");
  });

  it("lists every period in a range, empty ones included", () => {
    expect(periodsBetween(at("2026-06-03T00:00:00Z"), at("2026-06-20T00:00:00Z"), "week")).toEqual(["2026-06-01", "2026-06-08", "2026-06-15"]);
    expect(periodsBetween(at("2025-12-20T00:00:00Z"), at("2026-02-01T00:00:00Z"), "month")).toEqual(["2025-12-01", "2026-01-01", "2026-02-01"]);
  });
});

describe("quantile", () => {
  it("interpolates between closest ranks and is null for no data", () => {
    expect(quantile([], 0.5)).toBeNull();
    expect(quantile([7], 0.9)).toBe(7);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1);
  });
});

describe("durationStatsByPeriod", () => {
  it("reports median, p90 and count per week, and a week without incidents as count 0, not 0 ms", () => {
    const samples = [
      { at: at("2026-06-15T10:00:00Z"), ms: 9 * MIN },
      { at: at("2026-06-16T10:00:00Z"), ms: 3 * MIN },
      { at: at("2026-06-17T10:00:00Z"), ms: 60 * MIN },
      { at: at("2026-06-29T10:00:00Z"), ms: 5 * MIN },
    ];
    const stats = durationStatsByPeriod(samples, "week", { from: at("2026-06-15T00:00:00Z"), to: at("2026-06-30T00:00:00Z") });
    expect(stats).toEqual([
      { period: "2026-06-15", count: 3, medianMs: 9 * MIN, p90Ms: 2_988_000 },
      { period: "2026-06-22", count: 0, medianMs: null, p90Ms: null },
      { period: "2026-06-29", count: 1, medianMs: 5 * MIN, p90Ms: 5 * MIN },
    ]);
  });

  it("ignores samples outside the range and non-finite durations", () => {
    const stats = durationStatsByPeriod(
      [
        { at: at("2026-01-01T00:00:00Z"), ms: 1 },
        { at: at("2026-06-16T00:00:00Z"), ms: Number.NaN },
      ],
      "week",
      { from: at("2026-06-15T00:00:00Z"), to: at("2026-06-16T00:00:00Z") },
    );
    expect(stats).toEqual([{ period: "2026-06-15", count: 0, medianMs: null, p90Ms: null }]);
  });
});

describe("rates", () => {
  it("is null, not zero, when nothing happened", () => {
    expect(rate(0, 0)).toBeNull();
    expect(rate(1, 4)).toBe(0.25);
  });

  it("counts rolled-back promotions over promotions per month", () => {
    const stats = rateByPeriod(
      [
        { at: at("2026-05-02T00:00:00Z"), hit: false },
        { at: at("2026-06-02T00:00:00Z"), hit: true },
        { at: at("2026-06-12T00:00:00Z"), hit: false },
      ],
      "month",
      { from: at("2026-04-10T00:00:00Z"), to: at("2026-06-30T00:00:00Z") },
    );
    expect(stats).toEqual([
      { period: "2026-04-01", numerator: 0, denominator: 0, rate: null },
      { period: "2026-05-01", numerator: 0, denominator: 1, rate: 0 },
      { period: "2026-06-01", numerator: 1, denominator: 2, rate: 0.5 },
    ]);
  });
});

describe("toCsv", () => {
  it("quotes fields with commas, quotes and line breaks, and defuses spreadsheet formulas", () => {
    expect(toCsv(["a", "b"], [["x,y", 'say "hi"'], ["line\nbreak", null], ["=SUM(A1)", -3]])).toBe(
      'a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",\r\n\'=SUM(A1),-3\r\n',
    );
  });
});
