import { z } from "zod";
import { rollbackPlanSchema } from "@/lib/deployments/rollback-plan";
import type { DegradedLevel } from "@/lib/serving/degradation";
import { metricSources } from "./sources";

/**
 * The rollback policy contract (`PUT /api/v1/deployments/{deployment}/policy`).
 * Every message names the field it refuses so the API can return it verbatim.
 * Objects are strict: an unknown (usually misspelt) key is refused rather than silently dropped.
 */

export const DEFAULT_SAMPLE_INTERVAL_SECONDS = 10;
export const MAX_WINDOW_SECONDS = 7 * 24 * 3600;
/** A "sustained" window shorter than a minute is a spike detector — the panic this policy exists to avoid. */
export const MIN_WINDOW_SECONDS = 60;
export const MIN_EVALUATION_INTERVAL_SECONDS = 5;
export const MIN_BUCKET_SECONDS = 60;
export const MAX_LOOKBACK_DAYS = 90;
export const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 3;
export const MAX_CONSECUTIVE_ERROR_LIMIT = 1000;

export const METRIC_NAME_PATTERN = /^[a-z0-9_.-]+$/;

export const metricNameSchema = z
  .string({ error: "metric must be a string" })
  .min(1, "metric must not be empty")
  .max(100, "metric must be at most 100 characters")
  .regex(METRIC_NAME_PATTERN, "metric may only contain a-z, 0-9, '_', '.' and '-'");

export const directionSchema = z.enum(["higher_is_better", "lower_is_better"], {
  error: 'direction must be "higher_is_better" or "lower_is_better"',
});

/**
 * What a sustained breach does. `degrade:<level>` sheds load at once (the deployment is served at
 * that level, lib/degradation/) AND requests a rollback that waits for approval: the degradation
 * protects users while a person decides, and the rollback is the fix they decide on. An automatic
 * rollback needs no degradation (it moves traffic itself), so `auto` does not combine with it.
 */
export const rollbackActionSchema = z.enum(["notify", "request", "auto", "degrade:reduced", "degrade:fallback", "degrade:off"], {
  error: 'action must be "notify", "request", "auto" or "degrade:<level>" (degrade:reduced, degrade:fallback, degrade:off)',
});

/** The level a `degrade:<level>` action sheds load to, or null for the other actions. */
export function degradeLevelOf(action: RollbackAction): DegradedLevel | null {
  return action.startsWith("degrade:") ? (action.slice("degrade:".length) as DegradedLevel) : null;
}

function positiveInt(field: string, min: number, max?: number) {
  const range = max === undefined ? `at least ${min}` : `between ${min} and ${max}`;
  const message = `${field} must be an integer ${range}`;
  const base = z.number({ error: message }).int(message).min(min, message);
  return max === undefined ? base : base.max(max, message);
}

export const explicitFloorSchema = z.strictObject({
  mode: z.literal("explicit"),
  value: z.number({ error: "floor.value must be a finite number" }),
});

export const priorFloorSchema = z
  .strictObject({
    mode: z.literal("prior"),
    quantile: z
      .number({ error: "floor.quantile must be a number between 0 and 1 (exclusive), e.g. 0.1" })
      .gt(0, "floor.quantile must be greater than 0 (e.g. 0.1)")
      .lt(1, "floor.quantile must be less than 1 (e.g. 0.1)"),
    bucketSeconds: positiveInt("floor.bucketSeconds", MIN_BUCKET_SECONDS),
    lookbackDays: positiveInt("floor.lookbackDays", 1, MAX_LOOKBACK_DAYS),
    tolerance: z
      .number({ error: "floor.tolerance must be a finite number" })
      .min(0, "floor.tolerance must be at least 0"),
  })
  .superRefine((rule, ctx) => {
    if (rule.bucketSeconds > rule.lookbackDays * 86_400) {
      ctx.addIssue({
        code: "custom",
        path: ["bucketSeconds"],
        message: `floor.bucketSeconds (${rule.bucketSeconds}) must not exceed the lookback (${rule.lookbackDays} days = ${rule.lookbackDays * 86_400} seconds)`,
      });
    }
  });

export const floorRuleSchema = z.discriminatedUnion("mode", [explicitFloorSchema, priorFloorSchema], {
  error: 'floor.mode must be "explicit" or "prior"',
});

/** Fields of the deployment's rollback plan, which a policy used to carry: refused with a pointer. */
const PLAN_FIELDS = new Set(Object.keys(rollbackPlanSchema.shape));

export const rollbackPolicySchema = z
  .strictObject(
    {
      metric: metricNameSchema,
      /** Where the metric is read from: `{kind, ...config}` for a registered source (lib/metrics/sources/). */
      source: metricSources.inputSchema.default({ kind: "push" }),
      direction: directionSchema,
      floor: floorRuleSchema,
      windowSeconds: positiveInt("windowSeconds", MIN_WINDOW_SECONDS, MAX_WINDOW_SECONDS).describe(
        "How long the breach must hold: every point in [now − windowSeconds, now] must breach",
      ),
      evaluationIntervalSeconds: positiveInt("evaluationIntervalSeconds", MIN_EVALUATION_INTERVAL_SECONDS).describe(
        "How often the window is evaluated; at most windowSeconds",
      ),
      minSamples: positiveInt("minSamples", 1).describe("Fewer points than this in the window is no_data, not healthy"),
      sampleIntervalSeconds: positiveInt("sampleIntervalSeconds", 1)
        .default(DEFAULT_SAMPLE_INTERVAL_SECONDS)
        .describe("The collectors' point spacing; a hole wider than max(2 × this, 5 % of windowSeconds) makes the window no_data"),
      action: rollbackActionSchema,
      /** Evaluations in a row the source may fail before the policy notifies (webhook `policy.failing`). */
      consecutiveErrorLimit: positiveInt("consecutiveErrorLimit", 1, MAX_CONSECUTIVE_ERROR_LIMIT).default(DEFAULT_CONSECUTIVE_ERROR_LIMIT),
    },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys" && issue.keys.some((key) => PLAN_FIELDS.has(key))
          ? `${issue.keys.join(", ")}: how a deployment rolls back is its rollback plan, not a metric's policy (PUT /api/v1/deployments/{deployment}/rollback-plan)`
          : undefined,
    },
  )
  .superRefine((policy, ctx) => {
    if (policy.windowSeconds < policy.evaluationIntervalSeconds) {
      ctx.addIssue({
        code: "custom",
        path: ["windowSeconds"],
        message: `windowSeconds (${policy.windowSeconds}) must be at least evaluationIntervalSeconds (${policy.evaluationIntervalSeconds}); a shorter window leaves samples between evaluations unexamined`,
      });
    }
    // At most one point per sampleIntervalSeconds, so a larger minSamples could never be met.
    const capacity = Math.floor(policy.windowSeconds / policy.sampleIntervalSeconds);
    if (policy.minSamples > capacity) {
      ctx.addIssue({
        code: "custom",
        path: ["minSamples"],
        message: `minSamples (${policy.minSamples}) exceeds what a ${policy.windowSeconds}-second window holds at one point per ${policy.sampleIntervalSeconds} seconds (sampleIntervalSeconds): at most ${capacity}`,
      });
    }
  });

export type Direction = z.infer<typeof directionSchema>;
export type RollbackAction = z.infer<typeof rollbackActionSchema>;
export type ExplicitFloorRule = z.infer<typeof explicitFloorSchema>;
export type PriorFloorRule = z.infer<typeof priorFloorSchema>;
export type FloorRule = z.infer<typeof floorRuleSchema>;
/** What a client sends (sampleIntervalSeconds and consecutiveErrorLimit may be omitted). */
export type RollbackPolicyInput = z.input<typeof rollbackPolicySchema>;
/** What the server stores and evaluates (defaults applied). */
export type RollbackPolicy = z.output<typeof rollbackPolicySchema>;
