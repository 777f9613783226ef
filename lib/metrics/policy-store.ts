import "server-only";
import { Prisma, type RollbackPolicy as PolicyRow } from "@prisma/client";
import { db, type Tx } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { runMutation, type MutationContext } from "@/lib/mutation";
import { loadDeploymentContext, type DeploymentContext } from "./deployment-context";
import type { FloorSource } from "./floor";
import { LEVEL_TO_DB, levelFromDb } from "@/lib/degradation/schemas";
import { degradeLevelOf, priorFloorSchema, type FloorRule, type RollbackAction, type RollbackPolicy } from "./policy";
import { resolveFloor } from "./resolve-floor";
import { metricSources } from "./sources";
import { describeSource, metricSourceFor, storedSource } from "./sources/for-policy";

/** Who may change a rollback policy: an `auto` policy fires rollbacks with no person in the loop,
 * so setting one is at least as weighty as approving a rollback. */
export const POLICY_WRITE_ROLE = "APPROVER" as const;

/** `error`: the metric source could not answer, or the evaluation failed (its message is in lastStats.reason); never a breach. */
export type Verdict = "healthy" | "breach" | "no_data" | "error";

export interface PolicyView extends RollbackPolicy {
  id: string;
  deployment: string;
  /** Where the metric is read from, in words. */
  sourceDescription: { kind: string; label: string; target: string };
  /** The number the live version is held to now, and where it came from. */
  effectiveFloor: { value: number; source: FloorSource } | null;
  /** Why there is no effective floor (e.g. the prior version has too little history). */
  floorUnavailable: string | null;
  lastEvaluatedAt: string | null;
  lastVerdict: Verdict | null;
  lastStats: Record<string, unknown> | null;
  /** Evaluations in a row the source could not answer (0 after any answer). */
  consecutiveErrors: number;
  /** The source's most recent failure, kept after it recovers. */
  lastError: { message: string; at: string } | null;
  updatedAt: string;
}

const DIRECTION_TO_DB = { higher_is_better: "HIGHER_IS_BETTER", lower_is_better: "LOWER_IS_BETTER" } as const;
const ACTION_TO_DB = { notify: "NOTIFY", request: "REQUEST", auto: "AUTO" } as const;

/**
 * Stores a policy's latest verdict and its statistics. `lastVerdictSince` moves only when the
 * verdict changes, so "no data since 14:03" survives every later evaluation that agrees.
 */
export async function recordVerdict(tx: Tx, policyId: string, verdict: Verdict, stats: Record<string, unknown>, now: Date): Promise<void> {
  await tx.$executeRaw`
    UPDATE "RollbackPolicy"
       SET "lastVerdictSince" = CASE WHEN "lastVerdict" IS DISTINCT FROM ${verdict} OR "lastVerdictSince" IS NULL THEN ${now} ELSE "lastVerdictSince" END,
           "lastVerdict" = ${verdict},
           "lastEvaluatedAt" = ${now},
           "lastStats" = ${JSON.stringify(stats)}::jsonb
     WHERE id = ${policyId}`;
}

/** An evaluation that threw: on the record as the policy's verdict, so the dashboard never reads it as healthy. */
export async function recordEvaluationError(policyId: string, message: string, now: Date = new Date()): Promise<void> {
  await db().$transaction((tx) => recordVerdict(tx, policyId, "error", { reason: message }, now));
}

/** The stored action (and, for DEGRADE, its level) as the contract names it. */
function actionOf(row: Pick<PolicyRow, "action" | "degradeLevel">): RollbackAction {
  if (row.action === "DEGRADE") return `degrade:${levelFromDb(row.degradeLevel ?? "FALLBACK")}` as RollbackAction;
  return row.action.toLowerCase() as RollbackAction;
}

function actionData(action: RollbackAction) {
  const level = degradeLevelOf(action);
  return level === null
    ? { action: ACTION_TO_DB[action as keyof typeof ACTION_TO_DB], degradeLevel: null }
    : { action: "DEGRADE" as const, degradeLevel: LEVEL_TO_DB[level] };
}

/** The columns of a stored policy its rule is made of. */
export type PolicyRuleColumns = Pick<
  PolicyRow,
  | "metric" | "sourceKind" | "sourceConfig" | "direction" | "floorMode" | "floorValue" | "floorRule" | "windowSeconds"
  | "evaluationIntervalSeconds" | "minSamples" | "sampleIntervalSeconds" | "action" | "degradeLevel" | "consecutiveErrorLimit"
>;

/** The stored row as the API contract (`lib/metrics/policy.ts`). */
export function policyRuleOf(row: PolicyRuleColumns): RollbackPolicy {
  const floor: FloorRule =
    row.floorMode === "EXPLICIT" ? { mode: "explicit", value: row.floorValue ?? 0 } : priorFloorSchema.parse({ mode: "prior", ...(row.floorRule as object) });
  return {
    metric: row.metric,
    source: metricSources.toInput(storedSource(row)),
    direction: row.direction === "HIGHER_IS_BETTER" ? "higher_is_better" : "lower_is_better",
    floor,
    windowSeconds: row.windowSeconds,
    evaluationIntervalSeconds: row.evaluationIntervalSeconds,
    minSamples: row.minSamples,
    sampleIntervalSeconds: row.sampleIntervalSeconds,
    action: actionOf(row),
    consecutiveErrorLimit: row.consecutiveErrorLimit,
  };
}

function rowData(policy: RollbackPolicy) {
  const { floor } = policy;
  const source = metricSources.toStored(policy.source);
  return {
    sourceKind: source.kind,
    sourceConfig: source.config as Prisma.InputJsonObject,
    direction: DIRECTION_TO_DB[policy.direction],
    floorMode: floor.mode === "explicit" ? ("EXPLICIT" as const) : ("PRIOR" as const),
    floorValue: floor.mode === "explicit" ? floor.value : null,
    floorRule:
      floor.mode === "prior"
        ? ({ quantile: floor.quantile, bucketSeconds: floor.bucketSeconds, lookbackDays: floor.lookbackDays, tolerance: floor.tolerance } satisfies Prisma.InputJsonValue)
        : Prisma.DbNull,
    windowSeconds: policy.windowSeconds,
    evaluationIntervalSeconds: policy.evaluationIntervalSeconds,
    minSamples: policy.minSamples,
    sampleIntervalSeconds: policy.sampleIntervalSeconds,
    ...actionData(policy.action),
    consecutiveErrorLimit: policy.consecutiveErrorLimit,
  };
}

export async function toPolicyView(row: PolicyRow, context: DeploymentContext): Promise<PolicyView> {
  const rule = policyRuleOf(row);
  const floor = await resolveFloor(rule.floor, rule.direction, rule.metric, context, metricSourceFor(row));
  return {
    id: row.id,
    deployment: context.slug,
    ...rule,
    sourceDescription: describeSource(row),
    effectiveFloor: floor.kind === "established" ? { value: floor.value, source: floor.source } : null,
    floorUnavailable: floor.kind === "unavailable" ? floor.reason : null,
    lastEvaluatedAt: row.lastEvaluatedAt?.toISOString() ?? null,
    lastVerdict: (row.lastVerdict as Verdict | null) ?? null,
    lastStats: (row.lastStats as Record<string, unknown> | null) ?? null,
    consecutiveErrors: row.consecutiveErrors,
    lastError: row.lastError && row.lastErrorAt ? { message: row.lastError, at: row.lastErrorAt.toISOString() } : null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The deployment's policies, one per metric, each with its effective floor and last verdict. */
export async function listPolicies(deploymentSlug: string, metric?: string): Promise<PolicyView[]> {
  const context = await loadDeploymentContext({ slug: deploymentSlug });
  const rows = await db().rollbackPolicy.findMany({
    where: { deploymentId: context.id, ...(metric ? { metric } : {}) },
    orderBy: { metric: "asc" },
  });
  if (metric && rows.length === 0) throw notFound(`rollback policy for ${metric} on ${deploymentSlug}`);
  return Promise.all(rows.map((row) => toPolicyView(row, context)));
}

/**
 * Creates or replaces the deployment's policy for `policy.metric`, audited with before and
 * after. A policy is detection only: how a rollback runs (mode, ramp, approvals, blocking
 * consumers) is the deployment's rollback plan (lib/deployments/rollback-plan-store.ts).
 */
export async function putPolicy(
  ctx: MutationContext,
  deploymentSlug: string,
  policy: RollbackPolicy,
): Promise<{ view: PolicyView; created: boolean }> {
  const context = await loadDeploymentContext({ slug: deploymentSlug });
  const { row, created } = await runMutation(ctx, POLICY_WRITE_ROLE, async ({ tx, audit }) => {
    const where = { deploymentId_metric: { deploymentId: context.id, metric: policy.metric } };
    const before = await tx.rollbackPolicy.findUnique({ where });
    const data = rowData(policy);
    const saved = await tx.rollbackPolicy.upsert({
      where,
      create: { deploymentId: context.id, metric: policy.metric, ...data },
      update: data,
    });
    await audit({
      action: before ? "policy.updated" : "policy.created",
      targetType: "RollbackPolicy",
      targetId: saved.id,
      before: before ? { deployment: deploymentSlug, ...policyRuleOf(before) } : undefined,
      after: { deployment: deploymentSlug, ...policy },
    });
    return { row: saved, created: before === null };
  });
  return { view: await toPolicyView(row, context), created };
}
