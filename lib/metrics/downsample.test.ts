import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { downsampleMinMax } from "./downsample";

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
