import "server-only";
import { Prisma, type RollbackStatus } from "@prisma/client";
import { checkRollbackable } from "@/lib/deployments/lifecycle";
import { loadDeploymentSnapshot } from "@/lib/deployments/snapshot-store";
import { readRollbackPlan, type EffectivePlan } from "@/lib/deployments/rollback-plan-store";
import { db, type Tx } from "@/lib/db";
import { AppError, conflict, notFound } from "@/lib/errors";
import { runMutation, type MutationContext } from "@/lib/mutation";
import { lackingReason, trafficModeFor, trafficModes, type TrafficMode } from "@/lib/serving/capabilities";
import { describeServing } from "@/lib/serving/for-deployment";
import { announceRollback } from "./announce-rollback";
import { enqueueAfterCommit } from "./rollback-queue";
import { planRollbackSteps, stepRows, type RollbackKind } from "./status";

export { rollbackRequestBody } from "./schemas";

export type RequestRollbackInput = {
  deploymentSlug: string;
  /** "plan": the mode the deployment's rollback settings choose, or the one its backend can do. */
  mode: TrafficMode | "plan";
  reason: string;
  targetVersion?: string;
  detectionId?: string;
  idempotencyKey?: string;
  /** A detection's request follows its policy's action; a person's always waits for approval. */
  origin: "manual" | "detection";
  kind?: RollbackKind;
};

export type RequestedRollback = { id: string; status: RollbackStatus; replayed: boolean };

const IN_FLIGHT: RollbackStatus[] = ["REQUESTED", "AWAITING_APPROVAL", "APPROVED", "EXECUTING", "FAILED"];

async function inFlightConflict(deploymentId: number): Promise<AppError> {
  const open = await db().rollbackOperation.findFirst({
    where: { deploymentId, status: { in: IN_FLIGHT } },
    select: { id: true, status: true },
  });
  return conflict(
    open
      ? `a rollback is already in flight on this deployment (${open.id}, ${open.status}); finish, retry or cancel it first`
      : "a rollback is already in flight on this deployment",
    open ? { rollbackId: open.id } : undefined,
  );
}

/**
 * The mode the plan chooses. A deployment nobody configured for rollback (no plan of its own and
 * no policy) rehearses with an instant flip, so its weekly rehearsal takes seconds, not a ramp.
 */
async function planMode(tx: Tx, deploymentId: number, kind: RollbackKind, plan: EffectivePlan): Promise<TrafficMode> {
  if (kind === "INCIDENT" || plan.configured) return plan.mode;
  return (await tx.rollbackPolicy.count({ where: { deploymentId } })) > 0 ? plan.mode : "instant";
}

/**
 * Opens a rollback operation to the deployment's prior pinned version, with its steps planned.
 * Guarded three ways: the lifecycle refuses a deployment with no usable prior (or frozen), the
 * database admits one in-flight operation per deployment, and an idempotency key returns the
 * operation it first created.
 */
export async function requestRollback(ctx: MutationContext, input: RequestRollbackInput): Promise<RequestedRollback> {
  const deployment = await db().deployment.findUnique({ where: { slug: input.deploymentSlug }, select: { id: true, servingKind: true, servingConfig: true } });
  if (!deployment) throw notFound(`deployment ${input.deploymentSlug}`);
  const capabilities = describeServing(deployment).capabilities;
  if (input.mode !== "plan" && !trafficModes(capabilities).includes(input.mode)) {
    const message = `mode: ${input.mode} is not possible here: ${lackingReason(input.mode === "ramp" ? "ramp" : "instantFlip")}`;
    throw new AppError("VALIDATION", message, { issues: [{ path: "mode", message: message.slice("mode: ".length) }] });
  }
  const replay = async (): Promise<RequestedRollback | null> => {
    if (!input.idempotencyKey) return null;
    const existing = await db().rollbackOperation.findUnique({
      where: { deploymentId_idempotencyKey: { deploymentId: deployment.id, idempotencyKey: input.idempotencyKey } },
      select: { id: true, status: true, requestedByLabel: true, mode: true, reason: true, detectionId: true },
    });
    if (!existing) return null;
    // A reused key answers for the request it first answered, and only that one (as Stripe does).
    if (existing.requestedByLabel !== ctx.actor.label) {
      throw new AppError("UNPROCESSABLE", "Idempotency-Key: this key was already used by another caller on this deployment; use a new key");
    }
    if (existing.mode !== input.mode.toUpperCase() || existing.reason !== input.reason || existing.detectionId !== (input.detectionId ?? null)) {
      throw new AppError("UNPROCESSABLE", "Idempotency-Key: this key was already used with a different body; use a new key");
    }
    return { id: existing.id, status: existing.status, replayed: true };
  };
  const replayed = await replay();
  if (replayed) return replayed;
  if (input.detectionId) {
    const detection = await db().detection.findUnique({ where: { id: input.detectionId }, select: { deploymentId: true } });
    if (detection?.deploymentId !== deployment.id) {
      throw new AppError("VALIDATION", `detectionId: no detection ${input.detectionId} on ${input.deploymentSlug}`);
    }
  }

  let created: RequestedRollback;
  try {
    created = await runMutation(ctx, "OPERATOR", async ({ tx, audit, actor }) => {
      const stored = await loadDeploymentSnapshot(tx, deployment.id);
      const checked = checkRollbackable(stored.snapshot);
      if (!checked.ok) throw conflict(checked.error.message, { reason: checked.error.code });
      const { live: fromVersion, prior: toVersion } = checked.value;
      if (stored.purged.has(toVersion)) {
        throw conflict(`the prior pinned version ${toVersion} was purged from the registry; there is nothing to roll back to`, { reason: "prior_purged" });
      }
      if (input.targetVersion && input.targetVersion !== toVersion) {
        throw conflict(`targetVersion ${input.targetVersion} is not this deployment's prior pinned version (${toVersion})`, { reason: "not_prior" });
      }

      const kind = input.kind ?? "INCIDENT";
      const rollbackPlan = await readRollbackPlan(tx, deployment.id);
      const chosen = input.mode === "plan" ? trafficModeFor(await planMode(tx, deployment.id, kind, rollbackPlan), capabilities) : input.mode;
      if (chosen === null) throw conflict("the serving backend can move traffic neither at once nor in stages", { reason: "no_traffic_mode" });
      const mode = chosen === "ramp" ? "RAMP" : "INSTANT";
      const rampStages = mode === "RAMP" ? rollbackPlan.rampStages : [100];
      const rampDwellSeconds = mode === "RAMP" ? rollbackPlan.rampDwellSeconds : 0;
      const plan = planRollbackSteps(mode === "RAMP" ? { mode, kind, rampStages, rampDwellSeconds } : { mode, kind });
      if (!plan.ok) throw new AppError("VALIDATION", `rollback plan: ${plan.error.message}`);

      // Rehearsals, and a detection whose policy's action is "auto", need no person to approve.
      const detectedBy = input.detectionId
        ? await tx.detection.findUnique({ where: { id: input.detectionId }, select: { policy: { select: { action: true } } } })
        : null;
      const autoApproved = kind === "REHEARSAL" || (input.origin === "detection" && detectedBy?.policy.action === "AUTO");
      const now = new Date();
      const operation = await tx.rollbackOperation.create({
        data: {
          deploymentId: deployment.id,
          kind,
          mode,
          status: autoApproved ? "APPROVED" : "AWAITING_APPROVAL",
          fromVersionId: stored.versionIds.get(fromVersion)!,
          toVersionId: stored.versionIds.get(toVersion)!,
          reason: input.reason,
          detectionId: input.detectionId ?? null,
          idempotencyKey: input.idempotencyKey ?? null,
          // The person asking, also when through their token: the two-person rule compares people.
          requestedById: actor.userId,
          requestedByLabel: actor.label,
          rampStages,
          rampDwellSeconds,
          sloRollbackSeconds: rollbackPlan.sloRollbackSeconds,
          sloDetectSeconds: rollbackPlan.sloDetectSeconds,
          requestedAt: now,
          approvedAt: autoApproved ? now : null,
          decisionNote: autoApproved ? (kind === "REHEARSAL" ? "rehearsal" : "policy action is auto") : null,
          steps: { create: stepRows(plan.value) },
        },
        select: { id: true, status: true },
      });
      await audit({
        action: kind === "REHEARSAL" ? "rehearsal.requested" : "rollback.requested",
        targetType: "rollback",
        targetId: operation.id,
        after: { deployment: stored.slug, from: fromVersion, to: toVersion, mode, reason: input.reason, detectionId: input.detectionId ?? null, status: operation.status },
      });
      return { ...operation, replayed: false };
    });
  } catch (error) {
    // A unique violation is the database refusing a second in-flight operation, or a
    // concurrent request with the same idempotency key that won the race.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const raced = await replay();
      if (raced) return raced;
      throw await inFlightConflict(deployment.id);
    }
    throw error;
  }
  // After commit: an automatic rollback needs no approval, so it is queued now. A rehearsal is
  // queued by its caller once the rehearsal record that will receive its outcome exists.
  announceRollback(created.id, "rollback.requested");
  if (created.status === "APPROVED" && (input.kind ?? "INCIDENT") === "INCIDENT") await enqueueAfterCommit(created.id);
  return created;
}
