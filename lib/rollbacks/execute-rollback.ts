import "server-only";
import type { RollbackStep } from "@prisma/client";
import { SYSTEM_ACTOR } from "@/lib/actor";
import { applyEvent } from "@/lib/deployments/lifecycle";
import { readRollbackPlan } from "@/lib/deployments/rollback-plan-store";
import { loadDeploymentSnapshot, saveDeploymentSnapshot } from "@/lib/deployments/snapshot-store";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { isDatabaseUnavailable } from "@/lib/errors";
import { formatNumber } from "@/lib/format-number";
import { newRequestId, runMutation, type MutationContext } from "@/lib/mutation";
import { servingAdapterFor } from "@/lib/serving/for-deployment";
import { ExecutionInterrupted, StepFailure, type StepDetail } from "@/lib/serving/moves";
import type { ServingAdapter, TrafficWeight } from "@/lib/serving/port";
import { announceRollback } from "./announce-rollback";
import { acquireLease, LeaseLost, newLeaseHolder, type OperationLease } from "./operation-lease";
import type { RollbackOutcomes } from "./outcomes";
import { asJson, runStep, stepParams, type ExecutionContext } from "./rollback-steps";

export type ExecuteRollbackOptions = {
  /** Who reacts when the operation completes or fails, inside that transaction (lib/jobs/rollback-outcomes.ts). */
  outcomes: RollbackOutcomes;
  /** Aborted when the worker stops: the operation stays EXECUTING and the next start resumes it. */
  signal?: AbortSignal;
  consumerAckTimeoutMs?: number;
  /** For tests: a serving adapter other than the deployment's own. */
  serving?: ServingAdapter;
  /**
   * Who asks for the operation's lease. A worker retrying the same job after the database came
   * back passes the same holder, so it takes its own lease back at once.
   */
  holder?: string;
  log?: (line: string) => void;
};

/**
 * completed / failed: the operation reached that status in this run. interrupted: the worker
 * stopped mid-way. busy: another worker holds the operation's lease. lost: another worker took the
 * lease over mid-way (this one stopped without writing). not_runnable: it is not APPROVED or
 * EXECUTING (cancelled, already finished…). A database that cannot be reached is thrown (see
 * isDatabaseUnavailable): nothing is recorded, and the caller runs it again once it answers.
 */
export type ExecutionOutcome = "completed" | "failed" | "interrupted" | "busy" | "lost" | "not_runnable";

/**
 * Holds the operation's lease for as long as `work` runs, so two workers never execute one
 * operation at once, and hands `work` the lease to fence its writes with.
 */
async function withOperationLease<T>(operationId: string, holder: string, work: (lease: OperationLease) => Promise<T>): Promise<T | "busy" | "lost" | "not_runnable"> {
  const attempt = await acquireLease(operationId, holder, env().ROLLBACK_LEASE_MS);
  if (attempt.status === "missing") return "not_runnable";
  if (attempt.status === "busy") return "busy";
  const { lease } = attempt;
  try {
    return await work(lease);
  } catch (error) {
    if (error instanceof LeaseLost) return "lost";
    throw error;
  } finally {
    await lease.release().catch(() => {});
  }
}

async function loadContext(operationId: string, options: ExecuteRollbackOptions, signal: AbortSignal): Promise<ExecutionContext | null> {
  const op = await db().rollbackOperation.findUnique({
    where: { id: operationId },
    include: {
      deployment: { select: { slug: true, servingKind: true, servingConfig: true } },
      approvedBy: { select: { email: true } },
    },
  });
  if (!op) return null;
  const versions = await db().modelVersion.findMany({
    where: { id: { in: [op.fromVersionId, op.toVersionId] } },
    select: { id: true, version: true, manifest: true, purgedAt: true },
  });
  const ref = (id: number) => versions.find((v) => v.id === id)!;
  const plan = await readRollbackPlan(db(), op.deploymentId);
  return {
    operationId: op.id,
    kind: op.kind,
    deploymentId: op.deploymentId,
    slug: op.deployment.slug,
    from: ref(op.fromVersionId),
    to: ref(op.toVersionId),
    approvedById: op.approvedById,
    approvedLabel: op.approvedBy?.email ?? null,
    blockOnUnacknowledged: plan.blockOnUnacknowledged,
    blockingConsumers: new Set(plan.blockingConsumers),
    consumerAckTimeoutMs: options.consumerAckTimeoutMs ?? env().ROLLBACK_CONSUMER_ACK_TIMEOUT_MS,
    servingPollMs: env().ROLLBACK_DWELL_POLL_MS,
    serving: options.serving ?? servingAdapterFor(op.deployment),
    probe: options.serving ?? servingAdapterFor(op.deployment, { retries: 0 }),
    signal,
  };
}

/**
 * Claims an APPROVED operation (compare-and-set to EXECUTING) and moves the deployment to
 * ROLLING_BACK in the same transaction. A deployment that changed since the request (promoted,
 * frozen) fails the operation at preflight instead, and nothing moves on the serving plane.
 */
async function claim(ctx: MutationContext, operationId: string, outcomes: RollbackOutcomes): Promise<"claimed" | "failed" | "lost"> {
  return runMutation(ctx, "ADMIN", async (scope) => {
    const { tx, audit } = scope;
    const now = new Date();
    const claimed = await tx.rollbackOperation.updateMany({ where: { id: operationId, status: "APPROVED" }, data: { status: "EXECUTING", startedAt: now } });
    if (claimed.count === 0) return "lost";
    const op = await tx.rollbackOperation.findUniqueOrThrow({ where: { id: operationId } });
    const stored = await loadDeploymentSnapshot(tx, op.deploymentId);
    const begun = applyEvent(stored.snapshot, { type: "begin_rollback" });
    const live = stored.snapshot.live === null ? null : stored.versionIds.get(stored.snapshot.live);
    const prior = stored.snapshot.prior === null ? null : stored.versionIds.get(stored.snapshot.prior);
    const problem = !begun.ok
      ? begun.error.message
      : live !== op.fromVersionId || prior !== op.toVersionId
        ? `the deployment changed since this rollback was requested (live ${stored.snapshot.live ?? "none"}, prior ${stored.snapshot.prior ?? "none"}); request a new rollback`
        : null;
    if (problem !== null || !begun.ok) {
      const failureReason = `preflight: ${problem}`;
      await tx.rollbackOperation.update({ where: { id: operationId }, data: { status: "FAILED", failedAt: now, failureReason } });
      await tx.rollbackStep.updateMany({ where: { operationId, position: 0 }, data: { status: "FAILED", startedAt: now, finishedAt: now, error: problem, attempts: { increment: 1 } } });
      await outcomes.publish(scope, { outcome: "failed", operationId, kind: op.kind, deploymentId: op.deploymentId, deployment: stored.slug });
      await audit({ action: "rollback.failed", targetType: "rollback", targetId: operationId, before: { status: "APPROVED" }, after: { status: "FAILED", failureReason } });
      return "failed";
    }
    await saveDeploymentSnapshot(tx, stored, begun.value, { now });
    await audit({
      action: "rollback.started",
      targetType: "rollback",
      targetId: operationId,
      before: { status: "APPROVED", deploymentState: stored.snapshot.state },
      after: { status: "EXECUTING", deploymentState: "ROLLING_BACK" },
    });
    return "claimed";
  });
}

async function markRunning(ctx: MutationContext, step: RollbackStep): Promise<RollbackStep> {
  return runMutation(ctx, "ADMIN", ({ tx }) =>
    tx.rollbackStep.update({
      where: { id: step.id },
      data: { status: "RUNNING", attempts: { increment: 1 }, startedAt: step.startedAt ?? new Date(), finishedAt: null, error: null },
    }),
  );
}

async function finishStep(ctx: MutationContext, step: RollbackStep, status: "SUCCEEDED" | "SKIPPED", detail: StepDetail): Promise<void> {
  await runMutation(ctx, "ADMIN", async ({ tx, audit }) => {
    await tx.rollbackStep.update({ where: { id: step.id }, data: { status, finishedAt: new Date(), detail: asJson(detail) } });
    await audit({
      action: `rollback.step_${status.toLowerCase()}`,
      targetType: "rollback",
      targetId: step.operationId,
      after: { position: step.position, step: step.name, leg: stepParams(step).leg, status, detail },
    });
  });
}

const outcomeOf = (exec: ExecutionContext, outcome: "completed" | "failed") => ({
  outcome,
  operationId: exec.operationId,
  kind: exec.kind,
  deploymentId: exec.deploymentId,
  deployment: exec.slug,
});

/** COMPLETED, the deployment's record moved, and every outcome subscriber's work: one transaction. */
async function complete(ctx: MutationContext, exec: ExecutionContext, outcomes: RollbackOutcomes, traffic: TrafficWeight[], warnings: string[]): Promise<void> {
  await runMutation(ctx, "ADMIN", async (scope) => {
    const { tx, audit } = scope;
    const now = new Date();
    const done = await tx.rollbackOperation.updateMany({ where: { id: exec.operationId, status: "EXECUTING" }, data: { status: "COMPLETED", completedAt: now } });
    if (done.count === 0) throw new Error(`rollback ${exec.operationId} is no longer EXECUTING; not completing it`);
    const op = await tx.rollbackOperation.findUniqueOrThrow({ where: { id: exec.operationId }, include: { detection: true } });
    const stored = await loadDeploymentSnapshot(tx, exec.deploymentId);
    // An incident moves the registry's record to the prior; a rehearsal came back to where it began.
    const next = applyEvent(stored.snapshot, { type: exec.kind === "INCIDENT" ? "complete_rollback" : "abort_rollback" });
    if (!next.ok) throw new Error(`${exec.slug}: ${next.error.message}`);
    const detection = op.detection;
    const description = detection
      ? `${op.reason} (${detection.metric} below the floor ${formatNumber(detection.floorValue)} from ${detection.regressionStartedAt.toISOString()}, detected ${detection.detectedAt.toISOString()})`
      : op.reason;
    await saveDeploymentSnapshot(tx, stored, next.value, {
      now,
      productionFailure: exec.kind === "INCIDENT" ? { version: exec.from.version, description } : undefined,
    });
    await tx.deployment.update({ where: { id: exec.deploymentId }, data: { traffic: traffic.map(({ version, percent }) => ({ version, percent })) } });
    if (detection && !detection.resolvedAt && exec.kind === "INCIDENT") {
      await tx.detection.update({ where: { id: detection.id }, data: { resolvedAt: now } });
    }
    await outcomes.publish(scope, outcomeOf(exec, "completed"));
    await audit({
      action: "rollback.completed",
      targetType: "rollback",
      targetId: exec.operationId,
      before: { status: "EXECUTING", live: stored.snapshot.live },
      after: { status: "COMPLETED", kind: exec.kind, live: next.value.live, traffic, warnings },
    });
  });
}

/**
 * Marks the step and the operation FAILED and gives the deployment back to STABLE. The database
 * keeps the bad version live: the serving plane may be half-moved, and what it last reported is
 * recorded so someone can decide between retry and cancel.
 */
async function fail(ctx: MutationContext, exec: ExecutionContext, outcomes: RollbackOutcomes, step: RollbackStep, failure: StepFailure): Promise<void> {
  const failureReason = `${step.name}: ${failure.message}`;
  let servingState: unknown = "unknown: the serving plane did not answer";
  try {
    const status = await exec.probe.getStatus(exec.slug);
    servingState = { pinnedVersion: status.pinnedVersion, traffic: status.traffic, revision: status.revision };
  } catch {
    // Already recorded as unknown: the failure itself is usually why it cannot be read.
  }
  await runMutation(ctx, "ADMIN", async (scope) => {
    const { tx, audit } = scope;
    const now = new Date();
    await tx.rollbackStep.update({
      where: { id: step.id },
      data: { status: "FAILED", finishedAt: now, error: failure.message, detail: asJson({ ...((step.detail ?? {}) as StepDetail), ...failure.detail }) },
    });
    const failed = await tx.rollbackOperation.updateMany({ where: { id: exec.operationId, status: "EXECUTING" }, data: { status: "FAILED", failedAt: now, failureReason } });
    if (failed.count === 0) return;
    const stored = await loadDeploymentSnapshot(tx, exec.deploymentId);
    const aborted = applyEvent(stored.snapshot, { type: "abort_rollback" });
    if (aborted.ok) await saveDeploymentSnapshot(tx, stored, aborted.value, { now });
    await outcomes.publish(scope, outcomeOf(exec, "failed"));
    await audit({
      action: "rollback.failed",
      targetType: "rollback",
      targetId: exec.operationId,
      before: { status: "EXECUTING" },
      after: {
        status: "FAILED",
        failureReason,
        step: { position: step.position, name: step.name, leg: stepParams(step).leg },
        databaseLive: stored.snapshot.live,
        servingState,
        note: `the database still shows ${stored.snapshot.live ?? "nothing"} live; the serving plane may be half-moved`,
      },
    });
  });
}

/**
 * Runs an APPROVED (or resumes an EXECUTING) operation's persisted steps in order. Steps already
 * SUCCEEDED or SKIPPED are not run again; a step left RUNNING by a worker that died is re-run,
 * and because every step first reads the serving plane, it does only what is not yet true.
 */
export async function executeRollback(operationId: string, options: ExecuteRollbackOptions): Promise<ExecutionOutcome> {
  const log = options.log ?? (() => {});
  const outcome = await withOperationLease(operationId, options.holder ?? newLeaseHolder(), async (lease): Promise<ExecutionOutcome> => {
    // Every write checks the lease; losing it between writes stops the run at the next step.
    const ctx: MutationContext = { actor: SYSTEM_ACTOR, requestId: `rollback-run:${newRequestId()}`, guard: lease.fence };
    const signal = options.signal ? AbortSignal.any([options.signal, lease.lost]) : lease.lost;
    const current = await db().rollbackOperation.findUnique({ where: { id: operationId }, select: { status: true } });
    if (current?.status === "APPROVED") {
      const claimed = await claim(ctx, operationId, options.outcomes);
      if (claimed === "failed") {
        announceRollback(operationId, "rollback.failed");
        return "failed";
      }
      if (claimed === "lost") return "not_runnable";
    } else if (current?.status === "EXECUTING") {
      log(`resuming rollback ${operationId} from its last persisted step`);
    } else {
      return "not_runnable";
    }
    const exec = await loadContext(operationId, options, signal);
    if (!exec) return "not_runnable";
    const steps = await db().rollbackStep.findMany({ where: { operationId }, orderBy: { position: "asc" } });
    const warnings: string[] = [];
    let traffic: TrafficWeight[] = [];
    const collect = (detail: StepDetail | null) => {
      if (!detail) return;
      if (typeof detail.warning === "string") warnings.push(detail.warning);
      if (Array.isArray(detail.traffic)) traffic = detail.traffic as TrafficWeight[];
    };
    for (const planned of steps) {
      if (planned.status === "SUCCEEDED" || planned.status === "SKIPPED") {
        collect(planned.detail as StepDetail | null);
        continue;
      }
      if (signal.aborted) return "interrupted";
      let step = await markRunning(ctx, planned);
      try {
        const result = await runStep({
          ctx: exec,
          step,
          saveDetail: async (detail) => {
            step = await runMutation(ctx, "ADMIN", ({ tx }) => tx.rollbackStep.update({ where: { id: step.id }, data: { detail: asJson(detail) } }));
          },
        });
        await finishStep(ctx, step, result.status, result.detail);
        collect(result.detail);
        log(`rollback ${operationId}: ${step.name}${step.name === "shift_traffic" ? ` ${stepParams(step).percent}%` : ""} ${result.status}`);
      } catch (error) {
        if (error instanceof ExecutionInterrupted) return lease.lost.aborted ? "lost" : "interrupted";
        // Not the step's fault: leave it RUNNING, and let the worker resume it once the database answers.
        if (error instanceof LeaseLost || isDatabaseUnavailable(error)) throw error;
        const failure = error instanceof StepFailure ? error : new StepFailure(error instanceof Error ? error.message : String(error));
        await fail(ctx, exec, options.outcomes, step, failure);
        announceRollback(operationId, exec.kind === "REHEARSAL" ? "rehearsal.failed" : "rollback.failed");
        log(`rollback ${operationId} failed at ${step.name}: ${failure.message}`);
        return "failed";
      }
    }
    await complete(ctx, exec, options.outcomes, traffic, warnings);
    announceRollback(operationId, "rollback.completed");
    return "completed";
  });
  return outcome;
}
