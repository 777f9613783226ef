import "server-only";
import type { RollbackMode } from "@prisma/client";
import { db, type Db, type Tx } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { runMutation, type MutationContext } from "@/lib/mutation";
import { lackingReason } from "@/lib/serving/capabilities";
import { describeServing } from "@/lib/serving/for-deployment";
import { DEFAULT_ROLLBACK_PLAN, type RollbackPlan, type RollbackPlanView } from "./rollback-plan";

/** Who may change how a deployment rolls back: it decides who approves and whether consumers block. */
export const ROLLBACK_PLAN_WRITE_ROLE = "APPROVER" as const;

/** A deployment's plan as the rollback machinery reads it: its row, or the defaults. */
export type EffectivePlan = RollbackPlan & {
  /** Whether the deployment has a plan of its own (a row), rather than running on the defaults. */
  configured: boolean;
  updatedAt: Date | null;
};

const MODE_TO_DB: Record<RollbackPlan["mode"], RollbackMode> = { instant: "INSTANT", ramp: "RAMP" };

/** The one lookup of how a deployment rolls back: every caller reads the plan through here. */
export async function readRollbackPlan(client: Db | Tx, deploymentId: number): Promise<EffectivePlan> {
  const row = await client.rollbackPlan.findUnique({ where: { deploymentId } });
  const blocking = await client.consumer.findMany({ where: { deploymentId, blocking: true }, orderBy: { name: "asc" }, select: { name: true } });
  const blockingConsumers = blocking.map((c) => c.name);
  if (!row) return { ...DEFAULT_ROLLBACK_PLAN, blockingConsumers, configured: false, updatedAt: null };
  return {
    mode: row.mode === "INSTANT" ? "instant" : "ramp",
    rampStages: row.rampStages as number[],
    rampDwellSeconds: row.rampDwellSeconds,
    requireDistinctApprover: row.requireDistinctApprover,
    blockOnUnacknowledged: row.blockOnUnacknowledged,
    blockingConsumers,
    sloRollbackSeconds: row.sloRollbackSeconds,
    sloDetectSeconds: row.sloDetectSeconds,
    configured: true,
    updatedAt: row.updatedAt,
  };
}

const toView = (slug: string, plan: EffectivePlan): RollbackPlanView => ({
  deployment: slug,
  mode: plan.mode,
  rampStages: plan.rampStages,
  rampDwellSeconds: plan.rampDwellSeconds,
  requireDistinctApprover: plan.requireDistinctApprover,
  blockOnUnacknowledged: plan.blockOnUnacknowledged,
  blockingConsumers: plan.blockingConsumers,
  sloRollbackSeconds: plan.sloRollbackSeconds,
  sloDetectSeconds: plan.sloDetectSeconds,
  configured: plan.configured,
  updatedAt: plan.updatedAt?.toISOString() ?? null,
});

const withoutMeta = ({ configured: _configured, updatedAt: _updatedAt, ...plan }: EffectivePlan): RollbackPlan => plan;

export async function getRollbackPlan(slug: string): Promise<RollbackPlanView> {
  const deployment = await db().deployment.findUnique({ where: { slug }, select: { id: true } });
  if (!deployment) throw notFound(`deployment ${slug}`);
  return toView(slug, await readRollbackPlan(db(), deployment.id));
}

function refuse(path: string, message: string): AppError {
  return new AppError("VALIDATION", `${path}: ${message}`, { issues: [{ path, message }] });
}

/**
 * Creates or replaces the deployment's rollback plan, audited with before and after. The mode
 * must be one the deployment's serving backend can do, and each blocking consumer must be one of
 * its consumers; their `blocking` flags are set in the same transaction.
 */
export async function putRollbackPlan(ctx: MutationContext, slug: string, plan: RollbackPlan): Promise<{ view: RollbackPlanView; created: boolean }> {
  return runMutation(ctx, ROLLBACK_PLAN_WRITE_ROLE, async ({ tx, audit }) => {
    const deployment = await tx.deployment.findUnique({ where: { slug }, select: { id: true, servingKind: true, servingConfig: true } });
    if (!deployment) throw notFound(`deployment ${slug}`);
    const serving = describeServing(deployment);
    if (plan.mode === "ramp" && !serving.capabilities.ramp) throw refuse("mode", `ramp is not possible on this deployment: ${lackingReason("ramp")} (${serving.kind} at ${serving.target})`);
    if (plan.mode === "instant" && !serving.capabilities.instantFlip) {
      throw refuse("mode", `instant is not possible on this deployment: ${lackingReason("instantFlip")} (${serving.kind} at ${serving.target})`);
    }
    const consumers = await tx.consumer.findMany({ where: { deploymentId: deployment.id }, select: { name: true } });
    const known = new Set(consumers.map((c) => c.name));
    plan.blockingConsumers.forEach((name, index) => {
      if (!known.has(name)) {
        throw refuse(`blockingConsumers.${index}`, `${name} is not a consumer of ${slug} (its consumers: ${[...known].sort().join(", ") || "none"})`);
      }
    });

    const before = await readRollbackPlan(tx, deployment.id);
    const data = {
      mode: MODE_TO_DB[plan.mode],
      rampStages: plan.rampStages,
      rampDwellSeconds: plan.rampDwellSeconds,
      requireDistinctApprover: plan.requireDistinctApprover,
      blockOnUnacknowledged: plan.blockOnUnacknowledged,
      sloRollbackSeconds: plan.sloRollbackSeconds,
      sloDetectSeconds: plan.sloDetectSeconds,
    };
    await tx.rollbackPlan.upsert({ where: { deploymentId: deployment.id }, create: { deploymentId: deployment.id, ...data }, update: data });
    await tx.consumer.updateMany({ where: { deploymentId: deployment.id }, data: { blocking: false } });
    await tx.consumer.updateMany({ where: { deploymentId: deployment.id, name: { in: plan.blockingConsumers } }, data: { blocking: true } });
    const after = await readRollbackPlan(tx, deployment.id);
    await audit({
      action: before.configured ? "rollback_plan.updated" : "rollback_plan.created",
      targetType: "RollbackPlan",
      targetId: slug,
      before: before.configured ? { ...withoutMeta(before) } : { defaults: true, ...withoutMeta(before) },
      after: { ...withoutMeta(after) },
    });
    return { view: toView(slug, after), created: !before.configured };
  });
}
