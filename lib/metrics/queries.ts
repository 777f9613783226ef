import { queryOptions } from "@tanstack/react-query";
import { polling } from "@/lib/polling";
import { seriesUrl, type SeriesRange } from "./series-url";
import type { SeriesView } from "./series";

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
      const response = await fetch(seriesUrl(deployment, metric, range, maxPoints), { signal, credentials: "same-origin" });
      const body = (await response.json().catch(() => null)) as (SeriesView & { message?: string }) | null;
      if (!response.ok || !body) throw new ApiRequestError(body?.message ?? `the series request failed (${response.status})`);
      return body;
    },
    ...(range.range === "custom" ? { refetchInterval: false as const } : polling<SeriesView>(SERIES_POLL_MS)),
  });
}
