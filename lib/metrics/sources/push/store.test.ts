import { describe, expect, it } from "vitest";
import { planChartRead } from "../../downsample";
import { RANGES } from "../../series-url";
import { ROLLUP_LEVELS_MS } from "./store";

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
