import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatNumber } from "@/lib/format-number";
import { markerLanes, timeTicks, valueTicks } from "./chart-layout";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// An awkward "now", as a preset range ending at the moment of the fetch has.
const NOW = Date.parse("2026-12-01T04:17:23.456Z");
const iso = (t: number) => new Date(t).toISOString();

describe("timeTicks", () => {
  it("puts a 1 h range's ticks on round ten minutes", () => {
    const { ticks, labels } = timeTicks(NOW - HOUR, NOW, 8);
    expect(ticks.map(iso)).toEqual(["2026-12-01T03:20:00.000Z", "2026-12-01T03:30:00.000Z", "2026-12-01T03:40:00.000Z", "2026-12-01T03:50:00.000Z", "2026-12-01T04:00:00.000Z", "2026-12-01T04:10:00.000Z"]);
    expect(labels).toEqual(["03:20", "03:30", "03:40", "03:50", "04:00", "04:10"]);
  });

  it("puts a 24 h range's ticks on round hours and names the day at midnight", () => {
    const { ticks, labels } = timeTicks(NOW - DAY, NOW, 8);
    expect(ticks.every((t) => t % (3 * HOUR) === 0)).toBe(true);
    expect(labels).toEqual(["06:00", "09:00", "12:00", "15:00", "18:00", "21:00", "12-01", "03:00"]);
  });

  it("gives a 7 d range one tick a day, each date once", () => {
    const { ticks, labels } = timeTicks(NOW - 7 * DAY, NOW, 8);
    expect(ticks.every((t) => t % DAY === 0)).toBe(true);
    expect(labels).toEqual(["11-25", "11-26", "11-27", "11-28", "11-29", "11-30", "12-01"]);
  });

  it("thins a 7 d range to every other day on a phone, never repeating a date", () => {
    const { labels } = timeTicks(NOW - 7 * DAY, NOW, 4);
    expect(labels).toEqual(["11-25", "11-27", "11-29", "12-01"]);
  });

  it("puts a 30 d range's ticks on Mondays", () => {
    const { ticks } = timeTicks(NOW - 30 * DAY, NOW, 6);
    expect(ticks.map((t) => new Date(t).getUTCDay())).toEqual(ticks.map(() => 1));
    expect(ticks.every((t) => t % DAY === 0)).toBe(true);
  });

  it("keeps any range's ticks round, inside it, increasing, each date named once, and within the budget", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse("2020-01-01"), max: Date.parse("2030-01-01") }),
        fc.integer({ min: 5 * MINUTE, max: 400 * DAY }),
        fc.integer({ min: 2, max: 12 }),
        (from, span, maxTicks) => {
          const to = from + span;
          const { ticks, labels } = timeTicks(from, to, maxTicks);
          expect(ticks.length).toBeGreaterThanOrEqual(1);
          expect(ticks.length).toBeLessThanOrEqual(maxTicks);
          const dates = labels.filter((l) => /^\d\d-\d\d$/.test(l));
          expect(new Set(dates).size).toBe(dates.length);
          if (span < DAY) expect(new Set(labels).size).toBe(labels.length);
          for (const [i, t] of ticks.entries()) {
            expect(t).toBeGreaterThanOrEqual(from);
            expect(t).toBeLessThanOrEqual(to);
            expect(t % MINUTE).toBe(0);
            if (i > 0) expect(t).toBeGreaterThan(ticks[i - 1]!);
          }
        },
      ),
    );
  });
});

describe("valueTicks", () => {
  it("gives a canary ratio round ticks that cover the data and the floor", () => {
    expect(valueTicks(0.8012, 0.9613, 5)).toEqual({ domain: [0.8, 1], ticks: [0.8, 0.85, 0.9, 0.95, 1] });
  });

  it("pads a flat series so it has a range", () => {
    const { domain, ticks } = valueTicks(0.9, 0.9, 5);
    expect(domain[0]).toBeLessThan(0.9);
    expect(domain[1]).toBeGreaterThan(0.9);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
  });

  it("covers the data with evenly spaced round ticks that read in four digits or fewer", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 0.01, max: 1e4, noNaN: true }),
        fc.integer({ min: 2, max: 10 }),
        (min, relativeWidth, maxTicks) => {
          // A range of at least 1 % of the values: narrower ones cannot be told apart in four digits.
          const max = min + Math.max(1e-4, Math.abs(min)) * relativeWidth;
          const { domain, ticks } = valueTicks(min, max, maxTicks);
          expect(domain[0]).toBeLessThanOrEqual(min);
          expect(domain[1]).toBeGreaterThanOrEqual(max);
          expect(ticks[0]).toBe(domain[0]);
          expect(ticks[ticks.length - 1]).toBe(domain[1]);
          expect(ticks.length).toBeLessThanOrEqual(maxTicks + 1);
          const step = ticks[1]! - ticks[0]!;
          const mantissa = step / 10 ** Math.floor(Math.log10(step));
          expect([1, 2, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-6)).toBe(true);
          for (const t of ticks) expect(Number(formatNumber(t))).toBe(t);
        },
      ),
    );
  });
});

describe("markerLanes", () => {
  it("stacks markers at the same moment and keeps distant ones on the first lane", () => {
    expect(markerLanes([{ x: 100, width: 20 }, { x: 100, width: 20 }, { x: 300, width: 20 }, { x: 104, width: 20 }])).toEqual([0, 1, 0, 2]);
  });

  it("never lets two labels on one lane overlap", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ x: fc.integer({ min: 0, max: 800 }), width: fc.integer({ min: 8, max: 120 }) }), { maxLength: 30 }), (labels) => {
        const lanes = markerLanes(labels);
        for (let i = 0; i < labels.length; i++) {
          for (let j = i + 1; j < labels.length; j++) {
            if (lanes[i] !== lanes[j]) continue;
            const a = labels[i]!;
            const b = labels[j]!;
            const apart = a.x + a.width / 2 < b.x - b.width / 2 || b.x + b.width / 2 < a.x - a.width / 2;
            expect(apart, `${JSON.stringify(a)} and ${JSON.stringify(b)} on lane ${lanes[i]}`).toBe(true);
          }
        }
      }),
    );
  });
});
