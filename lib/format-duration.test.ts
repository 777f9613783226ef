import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDuration } from "./format-duration";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const UNIT_MS: Record<string, number> = { ms: 1, s: SECOND, m: MINUTE, h: HOUR, d: DAY };

/** Reads a formatted duration back into milliseconds: "1m 59s" → 119,000. */
function parse(text: string): number {
  const sign = text.startsWith("-") ? -1 : 1;
  const parts = [...text.replace(/^-/, "").matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  expect(parts.map((p) => p[0]).join(" ")).toBe(text.replace(/^-/, ""));
  return sign * parts.reduce((sum, [, value, unit]) => sum + Number(value) * UNIT_MS[unit!]!, 0);
}

/** The smallest unit shown, which bounds what was left out. */
function resolution(text: string): number {
  const units = [...text.matchAll(/\d+(?:\.(\d))?(ms|s|m|h|d)/g)];
  const last = units[units.length - 1]!;
  return last[1] !== undefined ? UNIT_MS[last[2]!]! / 10 : UNIT_MS[last[2]!]!;
}

const durations = fc.oneof(fc.integer({ min: 0, max: 2 * MINUTE }), fc.integer({ min: 0, max: 3 * HOUR }), fc.integer({ min: 0, max: 400 * DAY }));

describe("formatDuration", () => {
  it.each([
    [119_630, "1m 59s"],
    [120_000, "2m"],
    [0, "0s"],
    [850, "850ms"],
    [4_240, "4.2s"],
    [5_000, "5s"],
    [9_999, "9.9s"],
    [42_000, "42s"],
    [59_999, "59s"],
    [8 * MINUTE + 42_999, "8m 42s"],
    [HOUR - 1, "59m 59s"],
    [6 * HOUR + 2 * MINUTE + 30 * SECOND, "6h 2m"],
    [HOUR, "1h"],
    [DAY - 1, "23h 59m"],
    [2 * DAY + 3 * HOUR + 59 * MINUTE, "2d 3h"],
    [DAY, "1d"],
    [-(8 * MINUTE + 42 * SECOND), "-8m 42s"],
    [null, "—"],
    [undefined, "—"],
    [Number.NaN, "—"],
    [Number.POSITIVE_INFINITY, "—"],
  ] as const)("formats %s as %s", (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  it("never shows a full unit's worth of the smaller unit (no 60s, 60m, 24h)", () => {
    fc.assert(
      fc.property(durations, (ms) => {
        expect(formatDuration(ms)).not.toMatch(/(^|\D)(60 ?s|60 ?m|24 ?h|1000 ?ms)\b/);
      }),
    );
  });

  it("never overstates, and understates by less than the smallest unit it shows", () => {
    fc.assert(
      fc.property(durations, (ms) => {
        const text = formatDuration(ms);
        const shown = parse(text);
        expect(shown).toBeLessThanOrEqual(ms);
        expect(ms - shown).toBeLessThan(resolution(text));
      }),
    );
  });

  it("is monotonic: a longer duration never reads as shorter", () => {
    fc.assert(
      fc.property(durations, durations, (a, b) => {
        const [short, long] = a <= b ? [a, b] : [b, a];
        expect(parse(formatDuration(short))).toBeLessThanOrEqual(parse(formatDuration(long)));
      }),
    );
  });

  it("shows at most two units, the larger first", () => {
    fc.assert(
      fc.property(durations, (ms) => {
        const units = [...formatDuration(ms).matchAll(/(ms|s|m|h|d)\b/g)].map((m) => UNIT_MS[m[1]!]!);
        expect(units.length).toBeLessThanOrEqual(2);
        if (units.length === 2) expect(units[0]).toBeGreaterThan(units[1]!);
      }),
    );
  });

  it("formats a negative duration as the positive one with a minus sign", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 * DAY }), (ms) => {
        expect(formatDuration(-ms)).toBe(`-${formatDuration(ms)}`);
      }),
    );
  });
});
