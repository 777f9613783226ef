import "server-only";
import type { RehearsalTrigger } from "@prisma/client";
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { runMutation, type MutationContext, type MutationScope } from "@/lib/mutation";
import { enqueueAfterCommit } from "@/lib/rollbacks/rollback-queue";
import { requestRollback } from "@/lib/rollbacks/request-rollback";
import { isInFlight, type RollbackStatus } from "@/lib/rollbacks/status";
import { recordRehearsalOutcome } from "./record-rehearsal-outcome";
import { rehearsalRefusal } from "./refusal";

/** Operation statuses after which a rehearsal has an outcome to record. */
const ENDED: readonly RollbackStatus[] = ["COMPLETED", "FAILED", "CANCELLED", "REJECTED"];

export type StartedRehearsal =
  | { id: string; status: "RUNNING"; operationId: string }
  | { id: string; status: "REFUSED"; reason: string };

type VersionPair = { liveVersionId: number | null; priorVersionId: number | null };

async function recordRefusal(scope: MutationScope, deploymentId: number, slug: string, trigger: RehearsalTrigger, reason: string, pair: VersionPair): Promise<StartedRehearsal> {
  const now = new Date();
  const row = await scope.tx.rehearsal.create({
    data: { deploymentId, trigger, status: "REFUSED", failureReason: reason, requestedBy: scope.actor.label, startedAt: now, finishedAt: now, ...pair },
  });
  await scope.audit({ action: "rehearsal.refused", targetType: "rehearsal", targetId: row.id, after: { deployment: slug, trigger, reason } });
  return { id: row.id, status: "REFUSED", reason };
}

/**
 * Starts a rehearsal: back to the prior pinned version and forward again through the reverse
 * gate (a REHEARSAL operation). A deployment that is in trouble or already moving is refused,
 * and the refusal is kept as a REFUSED rehearsal with its reason (the API answers it with 409).
 *
 * The operation is created first, in its own transaction (`requestRollback`); the rehearsal row
 * that points at it is created only once it exists, so a failed request leaves no RUNNING
 * rehearsal behind. Should the row fail, the operation is cancelled before it can run.
 */
export async function startRehearsal(ctx: MutationContext, input: { deploymentSlug: string; trigger: RehearsalTrigger }): Promise<StartedRehearsal> {
  const deployment = await db().deployment.findUnique({ where: { slug: input.deploymentSlug }, select: { id: true, slug: true } });
  if (!deployment) throw notFound(`deployment ${input.deploymentSlug}`);

  let pair: VersionPair = { liveVersionId: null, priorVersionId: null };
  const refused = await runMutation(ctx, "OPERATOR", async (scope) => {
    const { tx } = scope;
    // Serialises starts per deployment, so two clicks cannot both pass the checks below.
    await tx.$queryRaw`SELECT id FROM "Deployment" WHERE id = ${deployment.id} FOR UPDATE`;
    const current = await tx.deployment.findUniqueOrThrow({
      where: { id: deployment.id },
      select: { state: true, liveVersionId: true, priorVersionId: true },
    });
    pair = { liveVersionId: current.liveVersionId, priorVersionId: current.priorVersionId };
    // One query at a time: an interactive transaction holds a single connection.
    const live = current.liveVersionId === null ? null : await tx.modelVersion.findUnique({ where: { id: current.liveVersionId }, select: { version: true } });
    const prior = current.priorVersionId === null ? null : await tx.modelVersion.findUnique({ where: { id: current.priorVersionId }, select: { version: true } });
    const openDetection =
      current.liveVersionId === null
        ? null
        : await tx.detection.findFirst({ where: { deploymentId: deployment.id, versionId: current.liveVersionId, resolvedAt: null }, select: { metric: true } });
    const operations = await tx.rollbackOperation.findMany({
      where: { deploymentId: deployment.id, status: { in: ["REQUESTED", "AWAITING_APPROVAL", "APPROVED", "EXECUTING", "FAILED"] } },
      select: { id: true, status: true, kind: true },
    });
    const runningRehearsal = await tx.rehearsal.findFirst({ where: { deploymentId: deployment.id, status: "RUNNING" }, select: { id: true } });
    const breachedPolicy = await tx.rollbackPolicy.findFirst({ where: { deploymentId: deployment.id, lastVerdict: "breach" }, select: { metric: true } });
    const reason = rehearsalRefusal({
      liveVersion: live?.version ?? null,
      priorVersion: prior?.version ?? null,
      state: current.state,
      openDetection,
      inFlightRollback: operations.find((op) => isInFlight(op.status as RollbackStatus)) ?? null,
      runningRehearsal,
      breachedPolicy,
    });
    return reason === null ? null : recordRefusal(scope, deployment.id, deployment.slug, input.trigger, reason, pair);
  });
  if (refused) return refused;

  let operation: { id: string };
  try {
    operation = await requestRollback(ctx, {
      deploymentSlug: deployment.slug,
      // The same path an incident would take: the policy's ramp, or an instant flip without one.
      mode: "plan",
      reason: `${input.trigger === "SCHEDULED" ? "scheduled" : "manual"} rehearsal of the way back`,
      origin: "manual",
      kind: "REHEARSAL",
    });
  } catch (error) {
    // The reverse gate's own refusals (a rollback raced in, the prior was purged) are refusals here too.
    if (error instanceof AppError && error.code === "CONFLICT") {
      return runMutation(ctx, "OPERATOR", (scope) => recordRefusal(scope, deployment.id, deployment.slug, input.trigger, error.message, pair));
    }
    throw error;
  }

  let started: StartedRehearsal;
  try {
    started = await runMutation(ctx, "OPERATOR", async (scope) => {
      const exercised = await scope.tx.rollbackOperation.findUniqueOrThrow({ where: { id: operation.id }, select: { fromVersionId: true, toVersionId: true } });
      const row = await scope.tx.rehearsal.create({
        data: {
          deploymentId: deployment.id,
          operationId: operation.id,
          liveVersionId: exercised.fromVersionId,
          priorVersionId: exercised.toVersionId,
          trigger: input.trigger,
          status: "RUNNING",
          requestedBy: scope.actor.label,
        },
      });
      await scope.audit({ action: "rehearsal.started", targetType: "rehearsal", targetId: row.id, after: { deployment: deployment.slug, trigger: input.trigger, operationId: operation.id } });
      // A worker's sweep may already have run the operation to its end before this row existed.
      const op = await scope.tx.rollbackOperation.findUniqueOrThrow({ where: { id: operation.id }, select: { status: true } });
      if (ENDED.includes(op.status)) await recordRehearsalOutcome(scope, operation.id);
      return { id: row.id, status: "RUNNING" as const, operationId: operation.id };
    });
  } catch (error) {
    await runMutation(ctx, "OPERATOR", async ({ tx, audit }) => {
      const cancelled = await tx.rollbackOperation.updateMany({
        where: { id: operation.id, status: "APPROVED" },
        data: { status: "CANCELLED", decisionNote: "the rehearsal record could not be created" },
      });
      if (cancelled.count > 0) await audit({ action: "rollback.cancelled", targetType: "rollback", targetId: operation.id, after: { status: "CANCELLED", reason: "rehearsal record not created" } });
    });
    throw error;
  }
  await enqueueAfterCommit(operation.id);
  return started;
}

/**
 * A rehearsal still RUNNING whose operation has ended without the executor recording it (e.g.
 * failed at claim, or cancelled) gets its outcome now. Run by the scheduled job.
 */
export async function settleFinishedRehearsals(ctx: MutationContext): Promise<number> {
  const stale = await db().rehearsal.findMany({
    where: { status: "RUNNING", operation: { status: { in: [...ENDED] } } },
    select: { operationId: true },
  });
  for (const { operationId } of stale) {
    if (operationId) await runMutation(ctx, "ADMIN", (scope) => recordRehearsalOutcome(scope, operationId));
  }
  return stale.length;
}
