import "server-only";
import { Prisma, type RollbackOperation, type RollbackStatus } from "@prisma/client";
import type { Actor } from "@/lib/actor";
import { readRollbackPlan } from "@/lib/deployments/rollback-plan-store";
import { hasRole } from "@/lib/auth/roles";
import type { Tx } from "@/lib/db";
import { conflict, forbidden, notFound } from "@/lib/errors";
import { runMutation, type MutationContext } from "@/lib/mutation";
import { announceRollback } from "./announce-rollback";
import { enqueueAfterCommit } from "./rollback-queue";
import { canTransition, planRollbackSteps, stepRows } from "./status";


export type DecidedRollback = { id: string; status: RollbackStatus };

async function lockOperation(tx: Tx, id: string): Promise<RollbackOperation> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "RollbackOperation" WHERE id = ${id} FOR UPDATE`;
  if (locked.length === 0) throw notFound(`rollback ${id}`);
  return tx.rollbackOperation.findUniqueOrThrow({ where: { id } });
}

function requireTransition(op: RollbackOperation, to: RollbackStatus, verb: string): void {
  if (!canTransition(op.status, to)) {
    throw conflict(`rollback ${op.id} is ${op.status}; it cannot be ${verb}`, { status: op.status });
  }
}

/**
 * Whether the actor is the requester, compared as people: a token acts for the user who created
 * it, so an admin's token and the admin's session are one person. Without a person on either
 * side (a CLI token), the same token is the same requester.
 */
const isRequester = (op: RollbackOperation, actor: Actor) =>
  op.requestedById !== null ? op.requestedById === actor.userId : op.requestedByLabel === actor.label;

/** An OPERATOR may act on their own request; an APPROVER on anyone's. */
function requireOwnerOrApprover(op: RollbackOperation, actor: Actor, verb: string): void {
  if (hasRole(actor.role, "APPROVER") || isRequester(op, actor)) return;
  throw forbidden(`only the requester (${op.requestedByLabel}) or an APPROVER may ${verb} this rollback`);
}

/**
 * APPROVER: AWAITING_APPROVAL → APPROVED, then execution is queued after commit. A rollback plan
 * that requires a distinct approver (the default) refuses the requester. The approver may switch
 * a ramp to instant (`mode: "instant"`): the steps are planned again before anything runs, and
 * the switch is on the record with the approval.
 */
export async function approveRollback(ctx: MutationContext, id: string, note?: string, options: ApproveOptions = {}): Promise<DecidedRollback> {
  const result = await runMutation(ctx, "APPROVER", async ({ tx, audit, actor }) => {
    const op = await lockOperation(tx, id);
    requireTransition(op, "APPROVED", "approved");
    const plan = await readRollbackPlan(tx, op.deploymentId);
    if (!actor.userId) {
      throw forbidden("an approval must be made by a person: this token was made by the CLI and acts for no one; approve in the dashboard or with a token an APPROVER created");
    }
    if (plan.requireDistinctApprover && isRequester(op, actor)) {
      throw forbidden("this deployment's rollback plan requires the approver to be someone other than the requester; ask another APPROVER");
    }
    const mode = await switchMode(tx, op, options.mode);
    const updated = await tx.rollbackOperation.update({
      where: { id },
      data: { status: "APPROVED", approvedAt: new Date(), approvedById: actor.userId, decisionNote: note ?? null },
      select: { id: true, status: true },
    });
    await audit({
      action: "rollback.approved",
      targetType: "rollback",
      targetId: id,
      before: { status: op.status, mode: op.mode },
      after: { status: updated.status, approvedById: actor.userId, mode, note: note ?? null },
    });
    return updated;
  });
  await enqueueAfterCommit(id);
  announceRollback(id, "rollback.approved");
  return result;
}

export type ApproveOptions = { mode?: "instant" | "ramp" };

/**
 * Before approval nothing has run, so a ramp may become an instant move: its steps are planned
 * again. The other way needs stages the request never chose, so it is refused.
 */
async function switchMode(tx: Tx, op: RollbackOperation, requested: ApproveOptions["mode"]): Promise<RollbackOperation["mode"]> {
  const to = requested === undefined ? op.mode : requested === "instant" ? "INSTANT" : "RAMP";
  if (to === op.mode) return op.mode;
  if (to === "RAMP") throw conflict("an instant rollback cannot become a ramp at approval; reject it and request a ramp", { mode: op.mode });
  const plan = planRollbackSteps({ mode: "INSTANT", kind: op.kind });
  if (!plan.ok) throw conflict(plan.error.message);
  await tx.rollbackStep.deleteMany({ where: { operationId: op.id } });
  await tx.rollbackStep.createMany({ data: stepRows(plan.value).map((row) => ({ ...row, operationId: op.id })) });
  await tx.rollbackOperation.update({ where: { id: op.id }, data: { mode: "INSTANT", rampStages: [100], rampDwellSeconds: 0 } });
  return "INSTANT";
}

/** APPROVER: AWAITING_APPROVAL → REJECTED; nothing is executed. */
export async function rejectRollback(ctx: MutationContext, id: string, note?: string): Promise<DecidedRollback> {
  return runMutation(ctx, "APPROVER", async ({ tx, audit }) => {
    const op = await lockOperation(tx, id);
    requireTransition(op, "REJECTED", "rejected");
    const updated = await tx.rollbackOperation.update({ where: { id }, data: { status: "REJECTED", decisionNote: note ?? null }, select: { id: true, status: true } });
    await audit({ action: "rollback.rejected", targetType: "rollback", targetId: id, before: { status: op.status }, after: { status: updated.status, note: note ?? null } });
    return updated;
  });
}

/**
 * Gives up on an operation that is not executing. A FAILED one may have left the serving plane
 * half-moved; cancelling accepts that state (the database already shows the bad version live)
 * and frees the deployment for a new request.
 */
export async function cancelRollback(ctx: MutationContext, id: string, note?: string): Promise<DecidedRollback> {
  return runMutation(ctx, "OPERATOR", async ({ tx, audit, actor }) => {
    const op = await lockOperation(tx, id);
    requireOwnerOrApprover(op, actor, "cancel");
    if (op.status === "EXECUTING") throw conflict(`rollback ${id} is executing; wait for it to complete or fail, then retry or cancel`, { status: op.status });
    requireTransition(op, "CANCELLED", "cancelled");
    const updated = await tx.rollbackOperation.update({
      where: { id },
      data: { status: "CANCELLED", decisionNote: note ?? op.decisionNote },
      select: { id: true, status: true },
    });
    await audit({
      action: "rollback.cancelled",
      targetType: "rollback",
      targetId: id,
      before: { status: op.status, failureReason: op.failureReason },
      after: { status: updated.status, note: note ?? null },
    });
    return updated;
  });
}

/**
 * FAILED → APPROVED and queued again. Every step is run again, and each one first reads the
 * serving plane, so what the failed run already did is skipped rather than repeated.
 */
export async function retryRollback(ctx: MutationContext, id: string, note?: string): Promise<DecidedRollback> {
  const result = await runMutation(ctx, "OPERATOR", async ({ tx, audit, actor }) => {
    const op = await lockOperation(tx, id);
    requireOwnerOrApprover(op, actor, "retry");
    if (op.status !== "FAILED") throw conflict(`rollback ${id} is ${op.status}; only a FAILED rollback can be retried`, { status: op.status });
    requireTransition(op, "APPROVED", "retried");
    const steps = await tx.rollbackStep.findMany({ where: { operationId: id }, select: { position: true, name: true, status: true, error: true } });
    // Finished steps forget their progress so they re-check the serving plane from scratch; the
    // failed step keeps it (e.g. the invalidation it was waiting on) so it picks up where it was.
    await tx.rollbackStep.updateMany({ where: { operationId: id, status: { in: ["SUCCEEDED", "SKIPPED"] } }, data: { detail: Prisma.DbNull } });
    await tx.rollbackStep.updateMany({ where: { operationId: id }, data: { status: "PENDING", startedAt: null, finishedAt: null, error: null } });
    const updated = await tx.rollbackOperation.update({
      where: { id },
      data: { status: "APPROVED", failedAt: null, failureReason: null, startedAt: null },
      select: { id: true, status: true },
    });
    await audit({
      action: "rollback.retried",
      targetType: "rollback",
      targetId: id,
      before: { status: op.status, failureReason: op.failureReason, steps },
      after: { status: updated.status, note: note ?? null },
    });
    return updated;
  });
  await enqueueAfterCommit(id);
  return result;
}
