import { z } from "zod";
import { apiRoute, parseQuery } from "@/lib/api/route";
import { parseIsoTime } from "@/lib/metrics/point-check";
import { getSeries } from "@/lib/metrics/series";

const MAX_RANGE_MS = 400 * 86_400_000;
const isoTime = (field: string) =>
  z
    .string()
    .transform((text, ctx) => {
      const ms = parseIsoTime(text);
      if (ms === null) {
        ctx.addIssue({ code: "custom", message: `${field} must be an ISO-8601 time with a zone, e.g. 2026-06-15T14:03:07Z` });
        return z.NEVER;
      }
      return new Date(ms);
    })
    .optional();

const querySchema = z
  .object({
    metric: z.string().min(1, "metric must not be empty").optional(),
    from: isoTime("from"),
    to: isoTime("to"),
    maxPoints: z.coerce
      .number({ error: "maxPoints must be a number" })
      .int("maxPoints must be an integer")
      .min(10, "maxPoints must be at least 10")
      .max(10_000, "maxPoints must be at most 10000")
      .default(1000),
  })
  .transform((q, ctx) => {
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - 86_400_000);
    if (from >= to) ctx.addIssue({ code: "custom", path: ["from"], message: "from must be before to" });
    if (to.getTime() - from.getTime() > MAX_RANGE_MS) ctx.addIssue({ code: "custom", path: ["from"], message: "the range may span at most 400 days" });
    return { ...q, from, to };
  });

/** `GET …/series?metric=&from=&to=&maxPoints=`: the chart's downsampled series, floor, breaches and markers (default: the last 24 hours). */
export const GET = apiRoute<undefined, { deployment: string }>({ role: "VIEWER" }, async ({ params, url }) => getSeries(params.deployment, parseQuery(url, querySchema)));
