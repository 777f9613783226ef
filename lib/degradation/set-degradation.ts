import "server-only";
import { Prisma, type DegradationChange } from "@prisma/client";
import { db } from "@/lib/db";
import { AppError, conflict, notFound } from "@/lib/errors";
import { runMutation, type MutationContext } from "@/lib/mutation";
import { hasCapability, lackingReason } from "@/lib/serving/capabilities";
import type { DegradationLevel, DegradationStatus } from "@/lib/serving/degradation";
import { describeServing, servingAdapterFor } from "@/lib/serving/for-deployment";
import { describeServingFailure, type ServingAdapter } from "@/lib/serving/port";
import { LEVEL_TO_DB, levelFromDb, RETURN_TO_NORMAL_REASON, type DegradationChangeView } from "./schemas";

/** Who may change a deployment's level: it is the move made while deciding, so no approver is needed. */
export const DEGRADATION_WRITE_ROLE = "OPERATOR" as const;

/** A PENDING change older than this lost its process mid-call (the serving call is bounded well below it). */
const ABANDONED_AFTER_MS = 120_000;

export type SetDegradationInput = {
  deploymentSlug: string;
  level: DegradationLevel;
  reason?: string;
  /** manual: a person or token; policy: a detection's `degrade:<level>` action. */
  origin: "manual" | "policy";
  detectionId?: string;
  idempotencyKey?: string;
};

export type SetDegradationOutcome = { change: DegradationChangeView; replayed: boolean };

export function toChangeView(change: DegradationChange): DegradationChangeView {
  return {
    id: change.id,
    from: levelFromDb(change.fromLevel),
    to: levelFromDb(change.toLevel),
    reason: change.reason,
    origin: change.origin === "POLICY" ? "policy" : "manual",
    by: change.actorLabel,
    detectionId: change.detectionId,
    status: change.status.toLowerCase() as DegradationChangeView["status"],
    servingLevel: change.servingLevel === null ? null : levelFromDb(change.servingLevel),
    servedBy: change.servedBy,
    error: change.error,
    requestedAt: change.requestedAt.toISOString(),
    settledAt: change.settledAt?.toISOString() ?? null,
  };
}

const isPendingConflict = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";

/**
 * Serves the deployment at `level`, never half-applied: the intent is recorded (PENDING, audited)
 * in one transaction, the serving plane is called outside any transaction, and its outcome is
 * recorded in another. A failed call leaves the deployment's level at what the serving plane then
 * reports (or unchanged when it cannot be read), audited with the cause, and answers UNAVAILABLE.
 * One change per deployment is in flight at a time, enforced by a partial unique index; a change
 * whose process died mid-call is closed as abandoned by the next one.
 */
export async function setDegradation(ctx: MutationContext, input: SetDegradationInput, options: { serving?: ServingAdapter } = {}): Promise<SetDegradationOutcome> {
  const deployment = await db().deployment.findUnique({ where: { slug: input.deploymentSlug }, select: { id: true, slug: true, servingKind: true, servingConfig: true } });
  if (!deployment) throw notFound(`deployment ${input.deploymentSlug}`);
  if (input.idempotencyKey) {
    const earlier = await db().degradationChange.findUnique({ where: { deploymentId_idempotencyKey: { deploymentId: deployment.id, idempotencyKey: input.idempotencyKey } } });
    if (earlier) return { change: toChangeView(earlier), replayed: true };
  }
  const described = describeServing(deployment);
  const serving = options.serving ?? servingAdapterFor(deployment);
  if (!hasCapability(described.capabilities, "degradation") || !serving.setDegradation) {
    throw conflict(`${deployment.slug} cannot be degraded: ${lackingReason("degradation")} (${described.kind} at ${described.target})`, { reason: "degradation_unsupported" });
  }
  const reason = input.reason?.trim() || RETURN_TO_NORMAL_REASON;

  const pending = await runMutation(ctx, DEGRADATION_WRITE_ROLE, async ({ tx, audit, actor }) => {
    const [current] = await tx.$queryRaw<{ degradationLevel: DegradationChange["toLevel"] }[]>`
      SELECT "degradationLevel" FROM "Deployment" WHERE id = ${deployment.id} FOR UPDATE`;
    const now = new Date();
    const stale = await tx.degradationChange.findFirst({ where: { deploymentId: deployment.id, status: "PENDING" } });
    if (stale && now.getTime() - stale.requestedAt.getTime() > ABANDONED_AFTER_MS) {
      const error = "abandoned: the process that asked the serving plane stopped before recording its answer";
      await tx.degradationChange.update({ where: { id: stale.id }, data: { status: "FAILED", error, settledAt: now } });
      await audit({ action: "degradation.abandoned", targetType: "deployment", targetId: deployment.slug, before: { changeId: stale.id, to: levelFromDb(stale.toLevel) }, after: { error } });
    }
    try {
      const change = await tx.degradationChange.create({
        data: {
          deploymentId: deployment.id,
          fromLevel: current?.degradationLevel ?? "NORMAL",
          toLevel: LEVEL_TO_DB[input.level],
          reason,
          origin: input.origin === "policy" ? "POLICY" : "MANUAL",
          actorLabel: actor.label,
          detectionId: input.detectionId ?? null,
          idempotencyKey: input.idempotencyKey ?? null,
        },
      });
      await audit({
        action: "degradation.requested",
        targetType: "deployment",
        targetId: deployment.slug,
        before: { level: levelFromDb(change.fromLevel) },
        after: { level: input.level, reason, origin: input.origin, changeId: change.id, detectionId: input.detectionId ?? null },
      });
      return change;
    } catch (error) {
      if (isPendingConflict(error)) throw conflict(`another level change on ${deployment.slug} is in flight; try again when it settles`, { reason: "degradation_in_flight" });
      throw error;
    }
  });

  let reported: DegradationStatus | undefined;
  let failure: unknown = null;
  try {
    reported = (await serving.setDegradation(deployment.slug, { level: input.level, reason })).degradation;
  } catch (error) {
    failure = error;
    try {
      reported = (await serving.getStatus(deployment.slug)).degradation;
    } catch {
      // The plane cannot be read either: the recorded level stays as it was, and says so below.
    }
  }
  // A plane that answered 2xx but leaves the level out of its status is taken at its word.
  const servingLevel: DegradationLevel | null = failure === null ? (reported?.level ?? input.level) : (reported?.level ?? null);
  const cause = failure === null ? null : describeServingFailure(failure);

  const settled = await runMutation(ctx, DEGRADATION_WRITE_ROLE, async ({ tx, audit, actor }) => {
    const now = new Date();
    const applied = failure === null && servingLevel === input.level;
    const error = cause ?? (applied ? null : `the serving plane answered but reports ${servingLevel ?? "no level"}`);
    const change = await tx.degradationChange.update({
      where: { id: pending.id },
      data: { status: applied ? "APPLIED" : "FAILED", servingLevel: servingLevel === null ? null : LEVEL_TO_DB[servingLevel], servedBy: reported?.servedBy ?? null, error, settledAt: now },
    });
    const before = await tx.deployment.findUniqueOrThrow({ where: { id: deployment.id }, select: { degradationLevel: true } });
    if (applied) {
      await tx.deployment.update({
        where: { id: deployment.id },
        data: { degradationLevel: LEVEL_TO_DB[input.level], degradationReason: reason, degradationSetBy: actor.label, degradationSince: now },
      });
    } else if (servingLevel !== null && LEVEL_TO_DB[servingLevel] !== before.degradationLevel) {
      // What serving reports is the truth users see, whoever set it.
      await tx.deployment.update({
        where: { id: deployment.id },
        data: { degradationLevel: LEVEL_TO_DB[servingLevel], degradationReason: `reported by the serving plane after a failed change: ${error}`, degradationSetBy: "serving plane", degradationSince: now },
      });
    }
    await audit({
      action: applied ? "degradation.applied" : "degradation.failed",
      targetType: "deployment",
      targetId: deployment.slug,
      before: { level: levelFromDb(before.degradationLevel) },
      after: { level: servingLevel ?? levelFromDb(before.degradationLevel), requested: input.level, changeId: change.id, servedBy: reported?.servedBy ?? null, ...(error ? { cause: error } : {}) },
    });
    return change;
  });

  if (settled.status === "FAILED") {
    throw new AppError("UNAVAILABLE", `the serving plane did not apply ${input.level}: ${settled.error}; ${deployment.slug} is served at ${servingLevel ?? "a level the serving plane did not report"}`, {
      changeId: settled.id,
      servingLevel,
    });
  }
  return { change: toChangeView(settled), replayed: false };
}
