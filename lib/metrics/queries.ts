import { queryOptions } from "@tanstack/react-query";
import { polling } from "@/lib/polling";
import type { SeriesView } from "./series";

/** The chart's range choices; `custom` reads `from` and `to` from the URL. */
export const RANGES = { "1h": 3_600_000, "6h": 6 * 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 } as const;
export type RangeKey = keyof typeof RANGES | "custom";
export const DEFAULT_RANGE: RangeKey = "24h";

export type SeriesRange = { range: Exclude<RangeKey, "custom"> } | { range: "custom"; from: string; to: string };

/** One key factory for every metrics query, so invalidation and prefetching agree. */
export const metricsKeys = {
  all: ["metrics"] as const,
  series: (deployment: string, metric: string, range: SeriesRange) => [...metricsKeys.all, "series", deployment, metric, range] as const,
};

const SERIES_POLL_MS = 10_000;
/** A preset range ends at the next multiple of this: every chart open on it asks the same URL for that long, and the server answers them with one query. */
const RANGE_END_STEP_MS = 5_000;

/** Thrown for a non-2xx answer, carrying the API's user-facing message. */
export class ApiRequestError extends Error {}

/** The series URL the chart asks at `now`: a preset range ends at the next 5-second mark, so it includes every point up to now. */
export function seriesUrl(deployment: string, metric: string, range: SeriesRange, maxPoints: number, now = Date.now()): string {
  const to = range.range === "custom" ? range.to : new Date(Math.ceil(now / RANGE_END_STEP_MS) * RANGE_END_STEP_MS).toISOString();
  const from = range.range === "custom" ? range.from : new Date(Date.parse(to) - RANGES[range.range]).toISOString();
  const query = new URLSearchParams({ metric, from, to, maxPoints: String(maxPoints) });
  return `/api/v1/deployments/${encodeURIComponent(deployment)}/series?${query}`;
}

/**
 * The canary chart's data. Preset ranges end "now" at each fetch, so polling every 10 s moves the
 * window along; a custom range is fixed and is not polled.
 */
export function seriesQueryOptions(deployment: string, metric: string, range: SeriesRange, maxPoints = 1000) {
  return queryOptions({
    queryKey: metricsKeys.series(deployment, metric, range),
    queryFn: async ({ signal }): Promise<SeriesView> => {
      const response = await fetch(seriesUrl(deployment, metric, range, maxPoints), { signal, credentials: "same-origin" });
      const body = (await response.json().catch(() => null)) as (SeriesView & { message?: string }) | null;
      if (!response.ok || !body) throw new ApiRequestError(body?.message ?? `the series request failed (${response.status})`);
      return body;
    },
    ...(range.range === "custom" ? { refetchInterval: false as const } : polling<SeriesView>(SERIES_POLL_MS)),
  });
}
