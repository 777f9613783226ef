import { z } from "zod";
import { CSV_KINDS, analyticsCsv, analyticsQuery, loadAnalytics } from "@/lib/analytics/load-analytics";
import { getCurrentUser } from "@/lib/auth/current-user";
import { AppError, toErrorResponse, validationError } from "@/lib/errors";
import { newRequestId } from "@/lib/mutation";

const exportQuery = analyticsQuery.extend({
  kind: z.enum(CSV_KINDS, { message: `kind must be one of ${CSV_KINDS.join(", ")}` }).default("summary"),
  deployment: z.string().trim().min(1).max(200).optional(),
});

/** The rows behind the analytics charts as CSV (`kind` picks which rows). */
export async function GET(request: Request) {
  const requestId = newRequestId();
  try {
    if (!(await getCurrentUser())) throw new AppError("UNAUTHENTICATED", "sign in to export analytics");
    const parsed = exportQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) throw validationError(parsed.error, "query");
    const { kind, ...query } = parsed.data;
    const csv = analyticsCsv(await loadAnalytics(query), kind);
    const name = `reversegate-${query.deployment ?? "all"}-${kind}-${new Date().toISOString().slice(0, 10)}.csv`.replace(/[^A-Za-z0-9._-]/g, "_");
    return new Response(csv, { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}"`, "x-request-id": requestId } });
  } catch (error) {
    const { status, body } = toErrorResponse(error, requestId);
    return Response.json({ ...body, requestId }, { status });
  }
}
