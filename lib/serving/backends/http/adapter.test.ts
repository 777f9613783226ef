// The adapter against the real simulator is covered in lib/serving/simulator/simulator-process.test.ts;
// these are its pure parts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffDelayMs, createHttpServingAdapter } from "./adapter";

describe("backoffDelayMs", () => {
  it("stays within [0, min(max, base·2^(retry−1)))", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 1_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, baseMs, maxMs, draw) => {
          const delay = backoffDelayMs(retry, baseMs, maxMs, () => draw);
          const ceiling = Math.min(maxMs, baseMs * 2 ** (retry - 1));
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(Math.max(0, ceiling - 1e-9));
          expect(Number.isInteger(delay)).toBe(true);
        },
      ),
    );
  });

  it("doubles its ceiling per retry until the cap", () => {
    const nearlyOne = () => 0.999_999;
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffDelayMs(retry, 100, 1_000, nearlyOne))).toEqual([99, 199, 399, 799, 999, 999]);
  });
});

describe("createHttpServingAdapter", () => {
  it("refuses unusable options up front", () => {
    const base = { baseUrl: "http://127.0.0.1:4010", secret: "s", timeoutMs: 1_000, retries: 2 };
    expect(() => createHttpServingAdapter({ ...base, baseUrl: "ftp://host" })).toThrow();
    expect(() => createHttpServingAdapter({ ...base, timeoutMs: 0 })).toThrow();
    expect(() => createHttpServingAdapter({ ...base, retries: -1 })).toThrow();
  });

  it("declares every capability unless told otherwise", () => {
    const base = { baseUrl: "http://127.0.0.1:4010", secret: "s", timeoutMs: 1_000, retries: 2 };
    expect(createHttpServingAdapter(base).capabilities).toEqual({
      ramp: true,
      instantFlip: true,
      stickiness: true,
      manifestRestore: true,
      consumerInvalidation: true,
      degradation: true,
      manifestPreflight: true,
    });
    expect(createHttpServingAdapter({ ...base, capabilities: { stickiness: false } }).capabilities.stickiness).toBe(false);
  });
});
