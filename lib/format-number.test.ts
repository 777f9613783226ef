import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatNumber } from "./format-number";

/** Significant digits written, leading zeros excluded: "0.9046" → 4, "12346" → 5. */
const significantDigits = (text: string) => text.replace(/^-/, "").replace(".", "").replace(/^0+/, "").length;

describe("formatNumber", () => {
  it.each([
    [0.9045525000000001, "0.9046"],
    [0.9050000000000001, "0.905"],
    [0.905234, "0.9052"],
    [0.005, "0.005"],
    [245.234, "245.2"],
    [12_345.6, "12346"],
    [-0.25, "-0.25"],
    [0, "0"],
    [-0, "0"],
    [120, "120"],
    [null, "—"],
    [Number.NaN, "—"],
  ] as const)("shows %s as %s", (value, expected) => {
    expect(formatNumber(value)).toBe(expected);
  });

  // Metric values and floors: ratios near 1, latencies, counts; magnitudes from 1e-6 to 1e9.
  const magnitude = fc.oneof(fc.double({ min: 1e-6, max: 1e-3, noNaN: true }), fc.double({ min: 1e-3, max: 2, noNaN: true }), fc.double({ min: 2, max: 1e9, noNaN: true }));
  const values = fc.tuple(magnitude, fc.boolean()).map(([m, negative]) => (negative ? -m : m));

  it("stays within half a unit of the fourth significant digit", () => {
    fc.assert(
      fc.property(values, (value) => {
        const shown = Number(formatNumber(value));
        expect(Math.abs(shown - value)).toBeLessThanOrEqual(5e-4 * Math.abs(value) * (1 + 1e-9));
      }),
    );
  });

  it("writes no more than four significant digits, or the whole integer part, in plain notation", () => {
    fc.assert(
      fc.property(values, (value) => {
        const text = formatNumber(value);
        expect(text).toMatch(/^-?\d+(\.\d+)?$/);
        expect(text).not.toMatch(/\.\d*0$/);
        const integerDigits = String(Math.trunc(Math.abs(Number(text)))).replace(/^0$/, "").length;
        expect(significantDigits(text)).toBeLessThanOrEqual(Math.max(4, integerDigits));
      }),
    );
  });
});
