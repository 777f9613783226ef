import type { DegradationLevel as DbLevel } from "@prisma/client";
import { z } from "zod";
import { DEGRADATION_LEVELS, degradationLevelSchema, type DegradationLevel } from "@/lib/serving/degradation";

// The degradation API's contract (`…/deployments/{deployment}/degradation`) and the mapping to
// the database's enum. Shared by the route, the page and the policy action.

export const LEVEL_TO_DB: Readonly<Record<DegradationLevel, DbLevel>> = { normal: "NORMAL", reduced: "REDUCED", fallback: "FALLBACK", off: "OFF" };
export const levelFromDb = (level: DbLevel): DegradationLevel => level.toLowerCase() as DegradationLevel;

export const RETURN_TO_NORMAL_REASON = "returned to normal";

/** `PUT …/degradation`: a reason is required to degrade; returning to normal may go without one. */
export const setDegradationBody = z
  .strictObject({
    level: degradationLevelSchema.describe(`One of ${DEGRADATION_LEVELS.join(", ")}`),
    reason: z.string({ error: "reason must be text" }).trim().max(500, "reason: at most 500 characters").optional().describe("Why; required for every level but normal"),
  })
  .superRefine((body, ctx) => {
    if (body.level !== "normal" && !body.reason) ctx.addIssue({ code: "custom", path: ["reason"], message: "reason is required: say why the deployment is degraded" });
  });
export type SetDegradationBody = z.infer<typeof setDegradationBody>;

const changeView = z.object({
  id: z.string(),
  from: degradationLevelSchema,
  to: degradationLevelSchema,
  reason: z.string(),
  origin: z.enum(["manual", "policy"]),
  by: z.string(),
  detectionId: z.string().nullable(),
  status: z.enum(["pending", "applied", "failed"]),
  /** What the serving plane reported once the call ended (null: it could not be read). */
  servingLevel: degradationLevelSchema.nullable(),
  servedBy: z.string().nullable(),
  error: z.string().nullable(),
  requestedAt: z.iso.datetime(),
  settledAt: z.iso.datetime().nullable(),
});
export type DegradationChangeView = z.infer<typeof changeView>;
export const degradationChangeView = changeView;

export const recordedDegradation = z.object({
  deployment: z.string(),
  /** The level as the serving plane last confirmed it. */
  level: degradationLevelSchema,
  reason: z.string().nullable(),
  setBy: z.string().nullable(),
  since: z.iso.datetime().nullable(),
});
export type RecordedDegradation = z.infer<typeof recordedDegradation>;

export const degradationView = recordedDegradation.extend({
  /** Whether the deployment's serving backend can degrade at all; when not, why. */
  supported: z.boolean(),
  unsupportedReason: z.string().nullable(),
  /** The levels on offer and what each means on this backend (its own words when it answered). */
  levels: z.array(
    z.object({
      level: degradationLevelSchema,
      description: z.string(),
      disables: z.array(z.string()),
      fallback: z.string().nullable(),
    }),
  ),
  /** What the serving plane reports now, or why it could not be read. */
  serving: z.union([
    z.object({ reachable: z.literal(true), level: degradationLevelSchema, servedBy: z.string().nullable(), since: z.string().nullable() }),
    z.object({ reachable: z.literal(false), error: z.string() }),
  ]),
  history: z.array(changeView),
});
export type DegradationView = z.infer<typeof degradationView>;

export const setDegradationResult = z.object({ change: changeView, degradation: recordedDegradation });
