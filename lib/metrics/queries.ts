import { queryOptions } from "@tanstack/react-query";
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

/** Thrown for a non-2xx answer, carrying the API's user-facing message. */
export class ApiRequestError extends Error {}

/**
 * The canary chart's data. Preset ranges end "now" at each fetch, so polling every 10 s moves the
 * window along; a custom range is fixed and is not polled.
 */
export function seriesQueryOptions(deployment: string, metric: string, range: SeriesRange, maxPoints = 1000) {
  return queryOptions({
    queryKey: metricsKeys.series(deployment, metric, range),
    queryFn: async ({ signal }): Promise<SeriesView> => {
      const to = range.range === "custom" ? range.to : new Date().toISOString();
      const from = range.range === "custom" ? range.from : new Date(Date.parse(to) - RANGES[range.range]).toISOString();
      const query = new URLSearchParams({ metric, from, to, maxPoints: String(maxPoints) });
      const response = await fetch(`/api/v1/deployments/${encodeURIComponent(deployment)}/series?${query}`, { signal, credentials: "same-origin" });
      const body = (await response.json().catch(() => null)) as (SeriesView & { message?: string }) | null;
      if (!response.ok || !body) throw new ApiRequestError(body?.message ?? `the series request failed (${response.status})`);
      return body;
    },
    refetchInterval: range.range === "custom" ? false : SERIES_POLL_MS,
  });
}
