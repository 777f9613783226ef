import "server-only";
import type { Prisma, RollbackStep } from "@prisma/client";
import { hasRole } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { formatNumber } from "@/lib/format-number";
import {
  checkInterrupted,
  checkManifestReachable,
  invalidateConsumers,
  pinVersion,
  readStatus,
  requireRestorable,
  restoreManifest,
  shiftResult,
  shiftTraffic,
  sleep,
  StepFailure,
  trafficDetail,
  verifyServes,
  type StepDetail,
  type StepResult,
} from "@/lib/serving/moves";
import type { ServingAdapter } from "@/lib/serving/port";
import { isInFlight, type RollbackLeg } from "./status";

// One function per persisted step, built from the serving moves (lib/serving/moves.ts): each
// reads the serving plane first and does only what is not already true, so running a step again
// (a retry, or a new worker resuming after a crash) never repeats a change the serving plane
// already shows, and a step the backend cannot do is skipped with the reason on record.

export type VersionRef = { id: number; version: string; manifest: unknown; purgedAt: Date | null };

export type ExecutionContext = {
  operationId: string;
  kind: "INCIDENT" | "REHEARSAL";
  deploymentId: number;
  slug: string;
  from: VersionRef;
  to: VersionRef;
  approvedById: string | null;
  approvedLabel: string | null;
  blockOnUnacknowledged: boolean;
  blockingConsumers: ReadonlySet<string>;
  consumerAckTimeoutMs: number;
  /** How often a dwell reads the serving plane. */
  servingPollMs: number;
  serving: ServingAdapter;
  /** The same serving plane without retries, to record its state after a failure. */
  probe: ServingAdapter;
  signal: AbortSignal;
};

export type StepInput = {
  ctx: ExecutionContext;
  step: RollbackStep;
  /** Persists progress inside the step (an applied change, an invalidation id) before waiting. */
  saveDetail: (detail: StepDetail) => Promise<void>;
};

type StepParams = { leg: RollbackLeg; percent?: number; dwellSeconds?: number };
export const stepParams = (step: Pick<RollbackStep, "params">) => step.params as StepParams;
const progressOf = ({ step, saveDetail }: StepInput) => ({ previous: (step.detail ?? {}) as StepDetail, saveDetail });

/** The leg's target and the version it moves traffic away from. */
export function legVersions(ctx: ExecutionContext, leg: RollbackLeg): { target: VersionRef; other: VersionRef } {
  return leg === "forward" ? { target: ctx.from, other: ctx.to } : { target: ctx.to, other: ctx.from };
}

async function preflight({ ctx, step }: StepInput): Promise<StepResult> {
  const { leg } = stepParams(step);
  const { target } = legVersions(ctx, leg);
  const status = await readStatus(ctx);
  requireRestorable(target);
  const others = await db().rollbackOperation.findMany({
    where: { deploymentId: ctx.deploymentId, id: { not: ctx.operationId } },
    select: { id: true, status: true },
  });
  const inFlight = others.find((other) => isInFlight(other.status));
  if (inFlight) throw new StepFailure(`another rollback is in flight on ${ctx.slug} (${inFlight.id}, ${inFlight.status})`);
  if (ctx.approvedById) {
    const approver = await db().user.findUnique({ where: { id: ctx.approvedById }, select: { email: true, role: true, disabledAt: true } });
    if (!approver || approver.disabledAt || !hasRole(approver.role, "APPROVER")) {
      throw new StepFailure(
        `the approver ${approver?.email ?? ctx.approvedLabel ?? ctx.approvedById} may no longer approve rollbacks (${approver?.disabledAt ? "disabled" : (approver?.role ?? "deleted")}); approve it again`,
      );
    }
  }
  // The way back is checked before anything moves; the forward leg returns to state that was just live.
  const reachability = leg === "back" ? await checkManifestReachable(ctx, target) : {};
  // Which version's memory checkpoint the plane holds before the rollback: agent-memory divergence.
  const memory = { pinnedVersion: status.pinnedVersion, manifestVersion: status.manifest?.version ?? null, checkpoint: status.manifest?.agentMemoryCheckpoint ?? null };
  return {
    status: "SUCCEEDED",
    detail: { ...trafficDetail(status), ready: status.ready, target: target.version, approver: ctx.approvedLabel ?? "policy (automatic)", ...reachability, memory },
  };
}

/**
 * Waits out a ramp stage's dwell, failing it on the first canary breach, or as soon as a
 * periodic read finds the serving plane not answering (rather than at the next step, which may
 * be a long dwell away).
 */
async function watchCanary(ctx: ExecutionContext, target: VersionRef, since: Date, untilMs: number, percent: number): Promise<void> {
  let nextServingRead = Date.now() + ctx.servingPollMs;
  for (;;) {
    const breach = await db().detection.findFirst({
      where: { deploymentId: ctx.deploymentId, versionId: target.id, detectedAt: { gte: since } },
      orderBy: { detectedAt: "desc" },
    });
    if (breach) {
      throw new StepFailure(
        `canary breach on ${target.version} during the ${percent}% dwell: ${breach.metric} fell below the floor ${formatNumber(breach.floorValue)} (${breach.floorSource}, detection ${breach.id})`,
        { detectionId: breach.id },
      );
    }
    if (Date.now() >= nextServingRead) {
      await readStatus(ctx).catch((error: unknown) => {
        if (!(error instanceof StepFailure)) throw error;
        throw new StepFailure(`the serving plane stopped answering during the ${percent}% dwell: ${error.message}`, error.detail);
      });
      nextServingRead = Date.now() + ctx.servingPollMs;
    }
    const remaining = untilMs - Date.now();
    if (remaining <= 0) return;
    await sleep(Math.max(1, Math.min(1_000, remaining, nextServingRead - Date.now())), ctx.signal);
  }
}

async function shiftStep(input: StepInput): Promise<StepResult> {
  const { ctx, step } = input;
  const params = stepParams(step);
  const percent = params.percent ?? 100;
  const { target, other } = legVersions(ctx, params.leg);
  const outcome = await shiftTraffic(ctx, { target: target.version, other: other.version, percent }, progressOf(input));
  if (!outcome.unsupported && (params.dwellSeconds ?? 0) > 0) {
    // The dwell counts from when the split took effect, so a resumed step only waits out the rest.
    await watchCanary(ctx, target, outcome.appliedAt, outcome.appliedAt.getTime() + (params.dwellSeconds ?? 0) * 1000, percent);
    outcome.detail = { ...outcome.detail, dwellSeconds: params.dwellSeconds, canary: `no breach on ${target.version}` };
  }
  return shiftResult(outcome);
}

async function invalidateStep(input: StepInput): Promise<StepResult> {
  const { ctx, step } = input;
  const { target } = legVersions(ctx, stepParams(step).leg);
  return invalidateConsumers(
    ctx,
    {
      target: target.version,
      reason: `rollback ${ctx.operationId}: ${target.version} is live`,
      ackTimeoutMs: ctx.consumerAckTimeoutMs,
      acks: { blocksAll: ctx.blockOnUnacknowledged, blockingConsumers: ctx.blockingConsumers, setBy: "the rollback plan" },
    },
    progressOf(input),
  );
}

const STEPS: Record<string, (input: StepInput) => Promise<StepResult>> = {
  preflight,
  restore_manifest: ({ ctx, step }) => restoreManifest(ctx, legVersions(ctx, stepParams(step).leg).target),
  pin_prior: ({ ctx, step }) => pinVersion(ctx, legVersions(ctx, stepParams(step).leg).target),
  shift_traffic: shiftStep,
  invalidate_consumers: invalidateStep,
  verify: ({ ctx, step }) => verifyServes(ctx, legVersions(ctx, stepParams(step).leg).target),
};

export async function runStep(input: StepInput): Promise<StepResult> {
  const run = STEPS[input.step.name];
  if (!run) throw new StepFailure(`unknown step ${input.step.name}`);
  checkInterrupted(input.ctx.signal);
  return run(input);
}

export const asJson = (value: StepDetail) => JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
