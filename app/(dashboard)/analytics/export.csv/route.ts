import { z } from "zod";
import { apiRoute, parseQuery } from "@/lib/api/route";
import { CSV_KINDS, analyticsCsv, analyticsQuery, loadAnalytics } from "@/lib/analytics/load-analytics";

const exportQuery = analyticsQuery.extend({
  kind: z.enum(CSV_KINDS, { message: `kind must be one of ${CSV_KINDS.join(", ")}` }).default("summary"),
  deployment: z.string().trim().min(1).max(200).optional(),
});

/** The rows behind the analytics charts as CSV (`kind` picks which rows). */
export const GET = apiRoute({ role: "VIEWER" }, async ({ url }) => {
  const { kind, ...query } = parseQuery(url, exportQuery);
  const csv = analyticsCsv(await loadAnalytics(query), kind);
  const name = `reversegate-${query.deployment ?? "all"}-${kind}-${new Date().toISOString().slice(0, 10)}.csv`.replace(/[^A-Za-z0-9._-]/g, "_");
  return new Response(csv, { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}"` } });
});
