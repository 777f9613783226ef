import { z } from "zod";
import { MAX_POINTS_PER_REQUEST, parseIsoTime } from "./point-check";

// The query and body schemas of the metrics routes, shared by the handlers and the OpenAPI
// document so the two cannot drift.

/** Points are checked one by one in ingestPoints so that one bad point refuses only itself. */
export const metricsBatchBody = z.object({
  points: z
    .array(z.unknown(), { error: "points must be an array of points" })
    .min(1, "points must hold at least one point")
    .max(MAX_POINTS_PER_REQUEST, `points may hold at most ${MAX_POINTS_PER_REQUEST} points a request; split the batch`)
    .describe(`Up to ${MAX_POINTS_PER_REQUEST.toLocaleString("en-US")} points: {deployment, version, metric, ts (ISO-8601), value, sampleCount?}`),
});

export const policyQuery = z.object({ metric: z.string().min(1, "metric must not be empty").optional() });

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

/** The series query's fields, as documented; `seriesQuery` adds the defaults and range checks. */
export const seriesQueryFields = z.object({
  metric: z.string().min(1, "metric must not be empty").optional(),
  from: isoTime("from").describe("ISO-8601; default: 24 hours before `to`"),
  to: isoTime("to").describe("ISO-8601; default: now"),
  maxPoints: z.coerce
    .number({ error: "maxPoints must be a number" })
    .int("maxPoints must be an integer")
    .min(10, "maxPoints must be at least 10")
    .max(10_000, "maxPoints must be at most 10000")
    .default(1000),
});

export const seriesQuery = seriesQueryFields.transform((q, ctx) => {
  const to = q.to ?? new Date();
  const from = q.from ?? new Date(to.getTime() - 86_400_000);
  if (from >= to) ctx.addIssue({ code: "custom", path: ["from"], message: "from must be before to" });
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) ctx.addIssue({ code: "custom", path: ["from"], message: "the range may span at most 400 days" });
  return { ...q, from, to };
});

export const detectionsQuery = z.object({
  id: z.string().min(1, "id must not be empty").max(100).optional().describe("One detection by its id"),
  metric: z.string().min(1, "metric must not be empty").optional(),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int("limit must be an integer")
    .min(1, "limit must be at least 1")
    .max(500, "limit must be at most 500")
    .default(50),
});
