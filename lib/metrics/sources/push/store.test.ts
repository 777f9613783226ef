import { describe, expect, it } from "vitest";
import { planChartRead } from "../../downsample";
import { RANGES } from "../../series-url";
import { ROLLUP_LEVELS_MS, versionReads } from "./store";

const MINUTE = 60_000;
const at = Date.UTC(2026, 11, 2, 10, 17, 35);

describe("the stored rollup levels", () => {
  // Every maxPoints the canary chart asks (150 to 1,000, by its width): under a flood of points a
  // raw read of the whole day took a second, and every reader of the chart waited on it.
  it.each([150, 300, 600, 900, 1000])("read a 24-hour chart of %i points from rollups, with raw points only for its ragged minutes", (maxPoints) => {
    const plan = planChartRead(at - RANGES["24h"], at, maxPoints, ROLLUP_LEVELS_MS);
    const raw = plan.segments.filter((s) => s.levelMs === 0);
    expect(raw.every((s) => s.to - s.from <= MINUTE)).toBe(true);
    expect(raw.reduce((sum, s) => sum + s.to - s.from, 0)).toBeLessThanOrEqual(2 * MINUTE);
  });

  it("read a week and a month from five-minute and hourly rollups", () => {
    const levels = (range: number) => new Set(planChartRead(at - range, at, 1000, ROLLUP_LEVELS_MS).segments.map((s) => s.levelMs));
    expect(levels(RANGES["7d"])).toContain(5 * MINUTE);
    expect(levels(RANGES["30d"])).toContain(60 * MINUTE);
  });
});

describe("versionReads", () => {
  const plan = planChartRead(at - RANGES["24h"], at, 1000, ROLLUP_LEVELS_MS);
  const end = Math.floor(at / MINUTE) * MINUTE;
  const start = Math.floor((at - RANGES["24h"]) / MINUTE) * MINUTE;

  it("reads a ragged end from its minute's rollup only for the versions whose extremes both lie inside it", () => {
    const reads = versionReads(plan, [1, 2, 3], [
      { versionId: 1, bucketStart: end, minTs: end + 1_000, maxTs: at },
      { versionId: 2, bucketStart: end, minTs: end + 1_000, maxTs: at + 1 },
      { versionId: 1, bucketStart: start, minTs: at - RANGES["24h"], maxTs: start + 59_999 },
    ]);
    const ends = reads.filter((r) => r.from >= end);
    // Version 3 has no rollup row for the minute, so no point in it: nothing is read for it.
    expect(ends).toEqual([
      { levelMs: MINUTE, from: end, to: end + MINUTE, versionIds: [1], at: end },
      { levelMs: 0, from: end, to: at + 1, versionIds: [2] },
    ]);
    const starts = reads.filter((r) => r.to <= start + MINUTE);
    expect(starts).toEqual([{ levelMs: MINUTE, from: start, to: start + MINUTE, versionIds: [1], at: at - RANGES["24h"] }]);
    expect(reads.filter((r) => r.levelMs !== 0 && r.at === undefined).every((r) => r.versionIds.length === 3)).toBe(true);
  });

  it("leaves raw reads alone when the chart's buckets are narrower than a minute", () => {
    const hour = planChartRead(at - RANGES["1h"], at, 1000, ROLLUP_LEVELS_MS);
    expect(versionReads(hour, [1], [{ versionId: 1, bucketStart: end, minTs: end, maxTs: end }])).toEqual(hour.segments.map((s) => ({ ...s, versionIds: [1] })));
  });
});
