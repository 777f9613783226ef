import { apiRoute, parseQuery } from "@/lib/api/route";
import { seriesQuery } from "@/lib/metrics/api-schemas";
import { getSeries } from "@/lib/metrics/series";

/** `GET …/series?metric=&from=&to=&maxPoints=`: the chart's downsampled series, floor, breaches and markers (default: the last 24 hours). */
export const GET = apiRoute<undefined, { deployment: string }>({ role: "VIEWER" }, async ({ params, url }) => getSeries(params.deployment, parseQuery(url, seriesQuery)));
