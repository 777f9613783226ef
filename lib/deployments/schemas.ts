import { z } from "zod";
import { timestamp, versionStatus } from "@/lib/registry/schemas";
import { deploymentSlug, modelSlug, offlineScores, pinnedVersionId, stateManifest } from "@/lib/registry/version-ref";
import { servingBackends } from "@/lib/serving/backends";
import { servingView } from "@/lib/serving/registry";

// The deployments' public contract: request bodies the handlers validate with, and the views
// they answer with. The OpenAPI document is generated from these same schemas.

const consumerName = z
  .string()
  .min(1, { error: "must not be empty" })
  .max(100, { error: "must be at most 100 characters" })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: "use letters, digits, dots, underscores and hyphens (for example triage-agent)" });

export const createDeploymentInput = z.strictObject({
  slug: deploymentSlug,
  model: modelSlug,
  environment: z.string().regex(/^[a-z0-9-]{1,40}$/, { error: "use lowercase letters, digits and hyphens" }).optional(),
  /** `{kind, ...config}` for one of the registered serving backends (lib/serving/backends/). */
  serving: servingBackends.inputSchema,
  consumers: z
    .array(consumerName)
    .max(100, { error: "at most 100 consumers" })
    .refine((names) => new Set(names).size === names.length, { error: "each consumer may be named once" })
    .optional(),
});
export type CreateDeploymentInput = z.infer<typeof createDeploymentInput>;

export const promotionEvidence = z.strictObject({
  shadowWindow: z
    .strictObject({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
    .refine((w) => Date.parse(w.from) <= Date.parse(w.to), { error: "from must not be after to" })
    .optional(),
  /** The candidate's scores in the gate. */
  scores: offlineScores.optional(),
  /** The scores of the version it replaces, on the same sets. */
  replacedScores: offlineScores.optional(),
  pipelineRun: z.string().max(500).optional(),
  notes: z.string().max(2000).optional(),
});
export type PromotionEvidence = z.infer<typeof promotionEvidence>;

export const recordPromotionInput = z.strictObject({
  version: pinnedVersionId,
  evidence: promotionEvidence.optional(),
  /** The canary floor the new version must hold. */
  floor: z.number().optional(),
  /** Required to promote a version that was rolled back on this deployment; audited. */
  override: z.boolean().optional(),
  /** Pin the version on the serving plane as well as recording the promotion. */
  apply: z.boolean().optional(),
});
export type RecordPromotionInput = z.infer<typeof recordPromotionInput>;

export const deploymentState = z.enum(["STABLE", "ROLLING_BACK", "FROZEN"]);

export const trafficSplit = z.array(z.object({ version: z.string(), percent: z.number().min(0).max(100) }));
export type TrafficSplit = z.infer<typeof trafficSplit>;

export const healthTone = z.enum(["ok", "warn", "bad", "neutral"]);
export const healthView = z.object({
  tone: healthTone,
  /** One word or phrase for the deployment's whole state, e.g. "healthy", "regression", "canary not reporting". */
  label: z.string(),
  reason: z.string(),
  /** Since when the state holds, where that is known (e.g. when the canary went silent). */
  since: timestamp.nullable(),
});
export type HealthView = z.infer<typeof healthView>;

export const deploymentView = z.object({
  slug: z.string(),
  model: z.string(),
  environment: z.string(),
  state: deploymentState,
  liveVersion: z.string().nullable(),
  priorVersion: z.string().nullable(),
  liveSince: timestamp.nullable(),
  traffic: trafficSplit,
  serving: servingView,
  consumers: z.array(z.object({ name: z.string(), blocking: z.boolean() })),
  lastPromotion: z.object({ version: z.string(), replacedVersion: z.string().nullable(), at: timestamp, actor: z.string() }).nullable(),
  lastRollback: z
    .object({ fromVersion: z.string(), toVersion: z.string(), kind: z.enum(["INCIDENT", "REHEARSAL"]), status: z.string(), requestedAt: timestamp, completedAt: timestamp.nullable() })
    .nullable(),
  health: healthView,
  createdAt: timestamp,
});
export type DeploymentView = z.infer<typeof deploymentView>;

export const deploymentDetailView = deploymentView.extend({
  versions: z.array(
    z.object({ version: z.string(), status: versionStatus, since: timestamp, productionFailure: z.string().nullable(), rolledBackAt: timestamp.nullable() }),
  ),
  manifests: z.object({
    live: stateManifest.nullable(),
    prior: stateManifest.nullable(),
    /** What a rollback from live to prior would move, and what it would leave behind. */
    rollbackDiff: z
      .object({ changed: z.array(z.string()), splitBrainCategories: z.array(z.string()), splitBrainRisk: z.boolean() })
      .nullable(),
  }),
});
export type DeploymentDetailView = z.infer<typeof deploymentDetailView>;

export const deploymentList = z.object({
  deployments: z.array(deploymentView),
  total: z.number().int(),
  page: z.number().int(),
  pages: z.number().int(),
});
export type DeploymentList = z.infer<typeof deploymentList>;

export const DEPLOYMENT_SORTS = ["slug", "state", "lastPromotion", "lastRollback"] as const;

export const deploymentListQuery = z.object({
  q: z.string().trim().max(100).optional(),
  state: deploymentState.optional(),
  model: modelSlug.optional(),
  sort: z.enum(DEPLOYMENT_SORTS).default("slug"),
  order: z.enum(["asc", "desc"]).default("asc"),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
export type DeploymentListQuery = z.infer<typeof deploymentListQuery>;

export const promotionView = z.object({
  id: z.string(),
  deployment: z.string(),
  version: z.string(),
  replacedVersion: z.string().nullable(),
  promotedAt: timestamp,
  evidence: promotionEvidence,
  floor: z.number().nullable(),
  override: z.boolean(),
  applied: z.boolean(),
  actor: z.string(),
});
export type PromotionView = z.infer<typeof promotionView>;

export const recordPromotionResult = z.object({ promotion: promotionView, deployment: deploymentDetailView });

export const deploymentPathParams = { deployment: deploymentSlug };
