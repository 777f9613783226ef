import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { downsampleMinMax, planChartRead } from "./downsample";

interface P {
  ts: number;
  value: number;
}

/** Sorted points from positive ts increments (0 allowed: duplicate timestamps). */
const sortedPoints = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })), {
    maxLength: 2000,
  })
  .map((pairs) => {
    let ts = 1_780_000_000_000;
    return pairs.map(([dt, value]): P => {
      ts += dt;
      return { ts, value };
    });
  });

describe("downsampleMinMax", () => {
  it("keeps length, membership, order and the global extremes", () => {
    fc.assert(
      fc.property(sortedPoints, fc.integer({ min: 2, max: 300 }), (points, maxPoints) => {
        const out = downsampleMinMax(points, maxPoints);
        expect(out.length).toBeLessThanOrEqual(maxPoints);
        if (points.length <= maxPoints) expect(out).toEqual(points);
        // Subset by identity, in the input's order.
        const index = new Map(points.map((p, i) => [p, i]));
        let previous = -1;
        for (const p of out) {
          const i = index.get(p);
          expect(i).toBeDefined();
          expect(i as number).toBeGreaterThan(previous);
          previous = i as number;
        }
        if (points.length > 0) {
          const values = points.map((p) => p.value);
          const outValues = out.map((p) => p.value);
          expect(outValues).toContain(Math.min(...values));
          expect(outValues).toContain(Math.max(...values));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("keeps a one-point dip in a long flat series", () => {
    const points: P[] = Array.from({ length: 10_000 }, (_, i) => ({
      ts: i * 10_000,
      value: i === 6_543 ? 0.5 : 0.92,
    }));
    const out = downsampleMinMax(points, 200);
    expect(out.length).toBeLessThanOrEqual(200);
    expect(out.length).toBeGreaterThan(100);
    expect(out).toContain(points[6_543]);
  });

  it("passes through when already small enough, returning a copy", () => {
    const points: P[] = [
      { ts: 1, value: 1 },
      { ts: 2, value: 2 },
    ];
    const out = downsampleMinMax(points, 2);
    expect(out).toEqual(points);
    expect(out).not.toBe(points);
  });

  it("refuses unsorted input and fewer than two points of budget", () => {
    expect(() => downsampleMinMax([{ ts: 2, value: 0 }, { ts: 1, value: 0 }], 10)).toThrow(RangeError);
    expect(() => downsampleMinMax([], 1)).toThrow(RangeError);
    expect(() => downsampleMinMax([], 2.5)).toThrow(RangeError);
  });
});

describe("planChartRead", () => {
  const MIN5 = 300_000;
  const HOUR = 3_600_000;
  const DAY = 86_400_000;
  const LEVELS = [HOUR, MIN5];
  const at = Date.UTC(2026, 11, 1, 10, 17, 33, 250);

  it("reads a 30-day chart of 1,000 points from hourly rollups, with only the ragged ends finer", () => {
    const plan = planChartRead(at - 30 * DAY, at, 1000, LEVELS);
    expect(plan.buckets).toBe(500);
    expect(plan.segments.map((s) => s.levelMs)).toEqual([0, MIN5, HOUR, MIN5, 0]);
    const hourly = plan.segments.find((s) => s.levelMs === HOUR)!;
    expect((hourly.to - hourly.from) / HOUR).toBe(30 * 24 - 1);
    expect(plan.segments.filter((s) => s.levelMs !== HOUR).every((s) => s.to - s.from < HOUR)).toBe(true);
  });

  it("reads five-minute rollups for a day of 100 points and raw points for a day of 1,000", () => {
    expect(new Set(planChartRead(at - DAY, at, 100, LEVELS).segments.map((s) => s.levelMs))).toEqual(new Set([0, MIN5]));
    expect(planChartRead(at - DAY, at, 1000, LEVELS).segments).toEqual([{ levelMs: 0, from: at - DAY, to: at + 1 }]);
  });

  it("never reads a level wider than an output bucket, and covers the range exactly once on each level's grid", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 * DAY }), fc.integer({ min: 0, max: 40 * DAY }), fc.integer({ min: 2, max: 5000 }), (start, span, maxPoints) => {
        const from = at - 60 * DAY + start;
        const plan = planChartRead(from, from + span, maxPoints, LEVELS);
        let cursor = from;
        for (const s of plan.segments) {
          expect(s.from).toBe(cursor);
          expect(s.to).toBeGreaterThan(s.from);
          expect(s.levelMs).toBeLessThanOrEqual(plan.bucketMs);
          if (s.levelMs) expect(s.from % s.levelMs === 0 && s.to % s.levelMs === 0).toBe(true);
          cursor = s.to;
        }
        expect(cursor).toBe(from + span + 1);
      }),
    );
  });
});
