import { apiRoute, parseQuery } from "@/lib/api/route";
import { sharedRead } from "@/lib/http/shared-read";
import { seriesQuery } from "@/lib/metrics/api-schemas";
import { getSeries } from "@/lib/metrics/series";

/**
 * `GET …/series?metric=&from=&to=&maxPoints=`: the chart's downsampled series, floor, breaches and
 * markers (default: the last 24 hours). Readers asking the same resolved range at once share one query.
 */
export const GET = apiRoute<undefined, { deployment: string }>({ role: "VIEWER" }, async ({ params, url, request }) => {
  const query = parseQuery(url, seriesQuery);
  const key = JSON.stringify(["series", params.deployment, query.metric ?? null, query.from.toISOString(), query.to.toISOString(), query.maxPoints]);
  return sharedRead(request, key, () => getSeries(params.deployment, query));
});
