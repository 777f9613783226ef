// zod schemas for the Serving Control API wire format (serving-control-api.openapi.json).
// Servers parse requests with the strict request schemas, so a misspelt field is an error rather
// than silently dropped; clients parse answers with the lenient response schemas, so a serving
// plane may add fields without breaking Reversegate.
import { z } from "zod";
import { DEGRADATION_LEVELS, DEGRADED_LEVELS } from "./degradation";
import type { DeploymentStatus, InvalidationReceipt, InvalidationStatus, ManifestPreflightResult } from "./port";

/** Same value on every attempt of one mutating request; the server replays the first outcome. */
export const IDEMPOTENCY_KEY_HEADER = "idempotency-key";

/** Deployment and consumer names: they appear in URL paths, so no characters that need escaping. */
export const nameSchema = z
  .string()
  .regex(
    /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/,
    "must be 1–64 of a-z 0-9 . _ - (alphanumeric at both ends)",
  );

export const versionSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9](?:[A-Za-z0-9._+-]{0,62}[A-Za-z0-9])?$/,
    "must be 1–64 of A-Z a-z 0-9 . _ + - (alphanumeric at both ends)",
  );

const revisionSchema = z.number().int().min(0);

export const stickinessSchema = z.enum(["none", "session"]);

export const trafficWeightSchema = z.strictObject({
  version: versionSchema,
  percent: z.number().int().min(0).max(100),
});

export const trafficWeightsSchema = z
  .array(trafficWeightSchema)
  .min(1)
  .max(16)
  .superRefine((weights, ctx) => {
    const seen = new Set<string>();
    weights.forEach((weight, index) => {
      if (seen.has(weight.version)) {
        ctx.addIssue({ code: "custom", path: [index, "version"], message: `duplicate version ${weight.version}` });
      }
      seen.add(weight.version);
    });
    const total = weights.reduce((sum, weight) => sum + weight.percent, 0);
    if (total !== 100) ctx.addIssue({ code: "custom", message: `percents must sum to 100 (got ${total})` });
  });

const manifestShape = {
  weightsDigest: z.string().min(1).max(200),
  promptTemplate: z.string().min(1).max(200).optional(),
  vectorIndexSnapshot: z.string().min(1).max(200).optional(),
  agentMemoryCheckpoint: z.string().min(1).max(200).optional(),
  sharedContextEpoch: z.number().int().min(0).optional(),
  extras: z.record(z.string().min(1).max(100), z.string().max(1000)).optional(),
};

export const stateManifestSchema = z.strictObject(manifestShape);

export const pinRequestSchema = z.strictObject({
  version: versionSchema,
  expectedRevision: revisionSchema.optional(),
});

export const trafficRequestSchema = z.strictObject({
  weights: trafficWeightsSchema,
  stickiness: stickinessSchema.optional(),
  expectedRevision: revisionSchema,
});

export const manifestRequestSchema = z.strictObject({
  version: versionSchema,
  manifest: stateManifestSchema,
});

export const invalidationRequestSchema = z.strictObject({
  reason: z.string().min(1).max(500),
  version: versionSchema,
});

export const degradationRequestSchema = z.strictObject({
  level: z.enum(DEGRADATION_LEVELS),
  reason: z.string().min(1).max(500),
});

export const preflightRequestSchema = z.strictObject({
  version: versionSchema,
  manifest: stateManifestSchema,
});

// Responses: plain strings rather than the request patterns, because Reversegate only needs to
// read back what the serving plane reports, not police its naming.
export const deploymentStatusSchema: z.ZodType<DeploymentStatus> = z.object({
  deployment: z.string(),
  pinnedVersion: z.string(),
  traffic: z.array(z.object({ version: z.string(), percent: z.number() })),
  stickiness: stickinessSchema,
  ready: z.boolean(),
  revision: z.number().int(),
  manifest: z.object({ version: z.string(), ...manifestShape }).nullable(),
  consumers: z.array(
    z.object({
      id: z.string(),
      acknowledgedRevision: z.number().int(),
      lastAckAt: z.string().nullable(),
    }),
  ),
  degradation: z
    .object({ level: z.enum(DEGRADATION_LEVELS), reason: z.string().nullable(), since: z.string().nullable(), servedBy: z.string().nullable() })
    .optional(),
});

export const invalidationReceiptSchema: z.ZodType<InvalidationReceipt> = z.object({
  invalidationId: z.string(),
  consumers: z.array(z.string()),
});

export const invalidationStatusSchema: z.ZodType<InvalidationStatus> = z.object({
  id: z.string(),
  version: z.string(),
  reason: z.string(),
  createdAt: z.string(),
  acknowledged: z.array(z.string()),
  pending: z.array(z.string()),
  acknowledgements: z.array(z.object({ consumer: z.string(), at: z.string() })).optional(),
});

export const preflightResultSchema: z.ZodType<ManifestPreflightResult> = z.object({
  version: z.string(),
  checkedAt: z.string(),
  artifacts: z.array(
    z.object({
      artifact: z.enum(["vectorIndexSnapshot", "agentMemoryCheckpoint"]),
      ref: z.string(),
      reachable: z.boolean(),
      latencyMs: z.number().min(0),
      detail: z.string().optional(),
    }),
  ),
});

/** What a Serving Control API plane says it supports (`GET /v1/health`), in the wire's names. */
export const wireCapabilitiesSchema = z.object({
  trafficSplit: z.boolean(),
  stickiness: z.boolean(),
  manifestRestore: z.boolean(),
  consumerInvalidation: z.boolean(),
  /** Absent from a plane written before degradation: it cannot degrade. */
  degradation: z.boolean().optional(),
  manifestPreflight: z.boolean().optional(),
});
export type WireCapabilities = z.infer<typeof wireCapabilitiesSchema>;

/** The degraded levels a plane offers and what each means there. */
export const wireDegradationSchema = z.object({
  levels: z.array(
    z.object({
      level: z.enum(DEGRADED_LEVELS),
      description: z.string(),
      disables: z.array(z.string()).optional(),
      fallback: z.string().optional(),
    }),
  ),
});

export const healthSchema = z.object({
  status: z.literal("ok"),
  capabilities: wireCapabilitiesSchema,
  degradation: wireDegradationSchema.optional(),
});

export const errorBodySchema = z.object({
  error: z.string(),
  message: z.string(),
  currentRevision: z.number().int().optional(),
});

export type ErrorBody = z.infer<typeof errorBodySchema>;

/** One line naming every offending field, e.g. `weights.1.percent: Too big: expected number to be <=100`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.map(String).join(".");
      return field === "" ? issue.message : `${field}: ${issue.message}`;
    })
    .join("; ");
}
