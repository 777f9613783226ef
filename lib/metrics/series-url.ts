// What the canary chart asks for, apart from TanStack Query: the bench asks exactly the same.

/** The chart's range choices; `custom` reads `from` and `to` from the URL. */
export const RANGES = { "1h": 3_600_000, "6h": 6 * 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 } as const;
export type RangeKey = keyof typeof RANGES | "custom";
export const DEFAULT_RANGE: RangeKey = "24h";

export type SeriesRange = { range: Exclude<RangeKey, "custom"> } | { range: "custom"; from: string; to: string };

/** A preset range ends at the next multiple of this: every chart open on it asks the same URL for that long, and the server answers them with one query. */
const RANGE_END_STEP_MS = 5_000;

/** The series URL the chart asks at `now`: a preset range ends at the next 5-second mark, so it includes every point up to now. */
export function seriesUrl(deployment: string, metric: string, range: SeriesRange, maxPoints: number, now = Date.now()): string {
  const to = range.range === "custom" ? range.to : new Date(Math.ceil(now / RANGE_END_STEP_MS) * RANGE_END_STEP_MS).toISOString();
  const from = range.range === "custom" ? range.from : new Date(Date.parse(to) - RANGES[range.range]).toISOString();
  const query = new URLSearchParams({ metric, from, to, maxPoints: String(maxPoints) });
  return `/api/v1/deployments/${encodeURIComponent(deployment)}/series?${query}`;
}
