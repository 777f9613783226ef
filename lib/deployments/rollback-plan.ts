import { z } from "zod";

// A deployment's rollback plan (`PUT /api/v1/deployments/{deployment}/rollback-plan`): how it
// rolls back, whichever metric detected the regression. Detection (metric, floor, window,
// action) stays on each metric's policy. Every message names the field it refuses.

export const DEFAULT_RAMP_STAGES: readonly number[] = [10, 100];
export const DEFAULT_RAMP_DWELL_SECONDS = 60;
export const MAX_RAMP_STAGES = 10;
export const MAX_RAMP_DWELL_SECONDS = 86_400;

/** Why `stages` cannot be a ramp (whole percents, strictly increasing, ending at 100), or null. */
export function rampStagesProblem(stages: readonly number[]): string | null {
  if (stages.length === 0) return "a ramp needs at least one stage";
  let previous = 0;
  for (const percent of stages) {
    if (!Number.isInteger(percent) || percent <= 0 || percent > 100) {
      return `ramp stages are whole percentages from 1 to 100 (got ${percent})`;
    }
    if (percent <= previous) return "ramp stages must increase strictly";
    previous = percent;
  }
  if (previous !== 100) return "the last ramp stage must be 100% so the target carries all traffic";
  return null;
}

/** The longest rollback SLO target: a day. */
export const MAX_SLO_SECONDS = 86_400;

const sloSeconds = (field: string, what: string) =>
  z
    .number({ error: `${field} must be a whole number of seconds, or null for no target` })
    .int(`${field} must be a whole number of seconds`)
    .min(1, `${field} must be at least 1 second`)
    .max(MAX_SLO_SECONDS, `${field} must be at most ${MAX_SLO_SECONDS} (a day)`)
    .nullable()
    .default(null)
    .describe(what);

const consumerName = z.string().min(1, "must name a consumer").max(100, "must be at most 100 characters");

export const rollbackPlanSchema = z.strictObject({
  mode: z.enum(["instant", "ramp"], { error: 'mode must be "instant" or "ramp"' }).describe("The default way traffic moves back; the dialog still offers the other when the backend can do it"),
  rampStages: z
    .array(z.number({ error: "each stage is a whole percentage, e.g. [10, 50, 100]" }), { error: "rampStages must be a list of percentages, e.g. [10, 100]" })
    .max(MAX_RAMP_STAGES, `at most ${MAX_RAMP_STAGES} ramp stages`)
    .superRefine((stages, ctx) => {
      const problem = rampStagesProblem(stages);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .default([...DEFAULT_RAMP_STAGES])
    .describe("Percent of traffic on the prior version at each stage of a ramp; the last is 100"),
  rampDwellSeconds: z
    .number({ error: "rampDwellSeconds must be a whole number of seconds" })
    .int("rampDwellSeconds must be a whole number of seconds")
    .min(0, "rampDwellSeconds must be at least 0")
    .max(MAX_RAMP_DWELL_SECONDS, `rampDwellSeconds must be at most ${MAX_RAMP_DWELL_SECONDS} (a day)`)
    .default(DEFAULT_RAMP_DWELL_SECONDS)
    .describe("How long the canary is watched at each stage before the next"),
  requireDistinctApprover: z
    .boolean({ error: "requireDistinctApprover must be true or false" })
    .default(true)
    .describe("Whether the requester of a rollback may approve it too"),
  blockOnUnacknowledged: z
    .boolean({ error: "blockOnUnacknowledged must be true or false" })
    .default(false)
    .describe("Whether any consumer that does not acknowledge the invalidation fails the rollback"),
  blockingConsumers: z
    .array(consumerName, { error: "blockingConsumers must be a list of consumer names" })
    .max(100, "at most 100 blocking consumers")
    .refine((names) => new Set(names).size === names.length, { error: "each consumer may be named once" })
    .default([])
    .describe("Consumers whose acknowledgement is always required, whatever blockOnUnacknowledged says"),
  sloRollbackSeconds: sloSeconds(
    "sloRollbackSeconds",
    "Rollback SLO: the target time to roll back (detection, or the request, to completion). Rehearsals and real rollbacks are measured against it; null: no target",
  ),
  sloDetectSeconds: sloSeconds("sloDetectSeconds", "Optional SLO for time to detect (impact start to detection); null: no target"),
});

/** What a client sends (every field but `mode` may be omitted and takes its default). */
export type RollbackPlanInput = z.input<typeof rollbackPlanSchema>;
export type RollbackPlan = z.output<typeof rollbackPlanSchema>;

export const DEFAULT_ROLLBACK_PLAN: RollbackPlan = rollbackPlanSchema.parse({ mode: "ramp" });

export const rollbackPlanView = z.object({
  deployment: z.string(),
  mode: z.enum(["instant", "ramp"]),
  rampStages: z.array(z.number().int()),
  rampDwellSeconds: z.number().int(),
  requireDistinctApprover: z.boolean(),
  blockOnUnacknowledged: z.boolean(),
  blockingConsumers: z.array(z.string()),
  sloRollbackSeconds: z.number().int().nullable(),
  sloDetectSeconds: z.number().int().nullable(),
  /** False while the deployment runs on the defaults, never having had a plan (or policy) of its own. */
  configured: z.boolean(),
  updatedAt: z.iso.datetime().nullable(),
});
export type RollbackPlanView = z.infer<typeof rollbackPlanView>;
