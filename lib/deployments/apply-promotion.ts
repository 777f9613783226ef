import "server-only";
import { z } from "zod";
import { hasRole } from "@/lib/auth/roles";
import { db, type Tx } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError, conflict, forbidden, notFound } from "@/lib/errors";
import { runMutation, type MutationContext, type MutationScope } from "@/lib/mutation";
import { acquireLease, LeaseLost, newLeaseHolder, type Lease, type LeaseHolding } from "@/lib/platform/lease";
import { servingAdapterFor } from "@/lib/serving/for-deployment";
import {
  ExecutionInterrupted,
  invalidateConsumers,
  pinVersion,
  placeTraffic,
  requireRestorable,
  restoreManifest,
  shiftResult,
  shiftTraffic,
  StepFailure,
  trafficDetail,
  verifyServes,
  verifyShows,
  type MoveContext,
  type StepDetail,
  type StepResult,
} from "@/lib/serving/moves";
import { describeServingFailure, ServingError, type DeploymentStatus, type ServingAdapter, type TrafficWeight } from "@/lib/serving/port";
import { describeSplit } from "@/lib/serving/traffic";
import { applyEvent } from "./lifecycle";
import { readRollbackPlan } from "./rollback-plan-store";
import { loadDeploymentSnapshot } from "./snapshot-store";

// Rolling forward uses the same serving moves as a rollback (lib/serving/moves.ts), with the
// promoted version as the target. The serving plane moves first; the promotion is recorded only
// once serving, read back, shows the new version, so the registry never claims what serving does
// not show. Applies to one deployment run one at a time: each holds the deployment's promotion
// lease (lib/platform/lease.ts) from before its first serving call until it has recorded the
// outcome, and a second caller is refused with 409 naming the promotion in flight. A promotion
// that fails part-way puts serving back as it found it (through the same moves, read back) or,
// when it cannot, records what serving shows; either way the failure is audited.

/** A synchronous API call should not hang on a slow consumer for the worker's full timeout. */
const MAX_ACK_WAIT_MS = 10_000;
/** Putting the old version back never blocks on consumers; it waits this long for their acknowledgements. */
const RESTORE_ACK_WAIT_MS = 1_000;
/** Rollback statuses that still hold the deployment's one rollback slot (see lib/rollbacks/status.ts). */
const ROLLBACK_IN_FLIGHT = ["REQUESTED", "AWAITING_APPROVAL", "APPROVED", "EXECUTING", "FAILED"] as const;
/** A rollback about to move serving, or moving it: a promotion mid-apply stops and leaves serving to it. */
const ROLLBACK_TAKING_SERVING = ["APPROVED", "EXECUTING"] as const;
/**
 * Renewed every third of this while the apply runs (a stalled serving call is bounded by the
 * adapter's timeout and retries, well below it); a process that died frees the deployment after it.
 */
const LEASE_TTL_MS = 30_000;

/** The lease an applied promotion holds on its deployment. */
export const promotionLeaseKey = (deploymentId: number) => `promotion-apply:deployment:${deploymentId}`;

const promotionNote = z.object({ version: z.string(), actor: z.string(), requestId: z.string() });
type PromotionNote = z.infer<typeof promotionNote>;

type Step = { name: string; status: string; detail: StepDetail };
/** One serving move of an apply, or of putting serving back, by the name it is recorded under. */
type Move = [name: string, run: () => Promise<StepResult>];

/** What serving showed when read back, or why it could not be read and what it last showed. */
type ServingState =
  | { pinnedVersion: string; traffic: TrafficWeight[]; revision: number }
  | { unknown: string; lastSeen?: { pinnedVersion: string; traffic: TrafficWeight[]; revision: number; at: string } };

/** One apply in progress: the deployment, its lease, and the serving plane as this apply sees it. */
type ApplyRun = {
  ctx: MutationContext;
  deploymentId: number;
  slug: string;
  version: string;
  lease: Lease;
  move: MoveContext;
  /** The same serving plane without retries, to read it back after a failure. */
  probe: ServingAdapter;
  lastSeen: () => { status: DeploymentStatus; at: Date } | null;
};

/** Serving was taken over mid-apply (by a rollback, or by another apply after this one's lease expired). */
class ServingTakenOver extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ServingTakenOver";
  }
}

/**
 * Pins `version` on the deployment's serving plane with all traffic, its manifest restored and
 * consumers invalidated, reads it back, then runs `record` (the promotion's database write) in a
 * transaction that also checks this apply still holds the deployment. Refused with 409 while
 * another apply holds it. A failure of any step, `record`'s included, is answered with the step
 * and its cause, after serving was put back or recorded as it is (audited as
 * `deployment.promotion_apply_failed`).
 */
export async function applyPromotion<T>(
  ctx: MutationContext,
  deploymentSlug: string,
  input: { version: string; override?: boolean },
  record: (scope: MutationScope) => Promise<T>,
): Promise<T> {
  if (!hasRole(ctx.actor.role, "OPERATOR")) throw forbidden(`this needs the OPERATOR role; you are ${ctx.actor.role}`);
  const deployment = await db().deployment.findUnique({ where: { slug: deploymentSlug } });
  if (!deployment) throw notFound(`deployment ${deploymentSlug}`);
  const note: PromotionNote = { version: input.version, actor: ctx.actor.label, requestId: ctx.requestId };
  const attempt = await acquireLease(promotionLeaseKey(deployment.id), { holder: newLeaseHolder(), ttlMs: LEASE_TTL_MS, note });
  if (attempt.status === "busy") throw inFlight(deploymentSlug, attempt.current);
  const { lease } = attempt;
  try {
    const seen = remembering(servingAdapterFor(deployment));
    const run: ApplyRun = {
      ctx,
      deploymentId: deployment.id,
      slug: deploymentSlug,
      version: input.version,
      lease,
      move: { serving: seen.adapter, slug: deploymentSlug, signal: lease.lost },
      probe: servingAdapterFor(deployment, { retries: 0 }),
      lastSeen: seen.lastSeen,
    };
    if (attempt.abandoned) await recordAbandoned(run, attempt.abandoned);
    const { target, current } = await checkPromotable(ctx, deployment, input);
    return await moveThenRecord(run, target, current, record);
  } finally {
    await lease.release().catch(() => {
      // The lease then expires on its own; the next apply records that this one was abandoned.
    });
  }
}

function inFlight(slug: string, current: LeaseHolding): AppError {
  const parsed = promotionNote.safeParse(current.note);
  const note = parsed.success ? parsed.data : { version: "an unknown version", actor: current.holder, requestId: "unknown" };
  const since = current.acquiredAt.toISOString();
  return conflict(`a promotion of ${note.version} to ${slug} by ${note.actor} is in flight since ${since}; retry once it finishes`, {
    inFlight: { ...note, since, leaseExpiresAt: current.expiresAt.toISOString() },
  });
}

/** The adapter, remembering the last deployment status serving answered with (for a failure's record). */
function remembering(serving: ServingAdapter): { adapter: ServingAdapter; lastSeen: ApplyRun["lastSeen"] } {
  let last: { status: DeploymentStatus; at: Date } | null = null;
  const seen = async (answer: Promise<DeploymentStatus>) => {
    const status = await answer;
    last = { status, at: new Date() };
    return status;
  };
  const adapter: ServingAdapter = {
    capabilities: serving.capabilities,
    checkHealth: () => serving.checkHealth(),
    getStatus: (slug) => seen(serving.getStatus(slug)),
    pinVersion: (slug, input) => seen(serving.pinVersion(slug, input)),
    setTraffic: (slug, input) => seen(serving.setTraffic(slug, input)),
    restoreManifest: (slug, input) => seen(serving.restoreManifest(slug, input)),
    invalidateConsumers: (slug, input) => serving.invalidateConsumers(slug, input),
    getInvalidation: (slug, id) => serving.getInvalidation(slug, id),
  };
  return { adapter, lastSeen: () => last };
}

/** The role and lifecycle checks, read-only, so nothing moves for a promotion the registry would refuse. */
async function checkPromotable(ctx: MutationContext, deployment: { id: number; slug: string; modelId: number }, input: { version: string; override?: boolean }) {
  return runMutation(ctx, "OPERATOR", async ({ tx }) => {
    const stored = await loadDeploymentSnapshot(tx, deployment.id);
    const promoted = applyEvent(stored.snapshot, { type: "promote", version: input.version, override: input.override === true });
    if (!promoted.ok) throw conflict(`${deployment.slug}: ${promoted.error.message}`, { reason: promoted.error.code });
    const rollback = await tx.rollbackOperation.findFirst({ where: { deploymentId: deployment.id, status: { in: [...ROLLBACK_IN_FLIGHT] } }, select: { id: true, status: true } });
    if (rollback) throw conflict(`${deployment.slug}: a rollback is in flight (${rollback.id}, ${rollback.status}); nothing was sent to serving`);
    const versions = await tx.modelVersion.findMany({
      where: { modelId: deployment.modelId, version: { in: [input.version, ...(stored.snapshot.live ? [stored.snapshot.live] : [])] } },
      select: { id: true, version: true, manifest: true, purgedAt: true },
    });
    const target = versions.find((v) => v.version === input.version);
    if (!target) throw notFound(`version ${input.version} of this deployment's model`);
    try {
      requireRestorable(target);
    } catch (error) {
      if (error instanceof StepFailure) throw conflict(`${deployment.slug}: ${error.message}; nothing was sent to serving`);
      throw error;
    }
    return { target, current: versions.find((v) => v.version === stored.snapshot.live) ?? target };
  });
}

/** This apply still holds the deployment: its lease is current and no rollback is taking serving over. */
async function holdServing(run: ApplyRun, runner: Tx): Promise<void> {
  await run.lease.fence(runner);
  const rollback = await runner.rollbackOperation.findFirst({ where: { deploymentId: run.deploymentId, status: { in: [...ROLLBACK_TAKING_SERVING] } }, select: { id: true, status: true } });
  if (rollback) throw new ServingTakenOver(`rollback ${rollback.id} is ${rollback.status} on ${run.slug} and takes serving over`);
}

type Version = { version: string; manifest: unknown };

async function moveThenRecord<T>(run: ApplyRun, target: Version, current: Version, record: (scope: MutationScope) => Promise<T>): Promise<T> {
  const { move, slug } = run;
  const plan = await readRollbackPlan(db(), run.deploymentId);
  const noProgress = { previous: {}, saveDetail: async () => {} };
  const steps: Step[] = [];
  let step = "preflight";
  let before: DeploymentStatus | null = null;
  try {
    await holdServing(run, db());
    before = await move.serving.getStatus(slug).catch((error: unknown) => {
      if (error instanceof ServingError && error.kind === "not_found") return null;
      throw new StepFailure(describeServingFailure(error));
    });
    steps.push({ name: "preflight", status: "SUCCEEDED", detail: before ? { ...trafficDetail(before), ready: before.ready, target: target.version } : { created: true, target: target.version } });
    const create: Move[] = before === null ? [["create", () => createOnServing(move, target)]] : [];
    const forward: Move[] = [
      ...create,
      ["restore_manifest", () => restoreManifest(move, target)],
      ["pin_prior", () => pinVersion(move, target)],
      ["shift_traffic", async () => shiftResult(await shiftTraffic(move, { target: target.version, other: current.version, percent: 100 }, noProgress))],
      [
        "invalidate_consumers",
        () =>
          invalidateConsumers(
            move,
            {
              target: target.version,
              reason: `promotion:${slug}:${target.version}: ${target.version} is live`,
              ackTimeoutMs: Math.min(env().ROLLBACK_CONSUMER_ACK_TIMEOUT_MS, MAX_ACK_WAIT_MS),
              acks: { blocksAll: plan.blockOnUnacknowledged, blockingConsumers: new Set(plan.blockingConsumers), setBy: "the rollback plan" },
            },
            noProgress,
          ),
      ],
      ["verify", () => verifyServes(move, target)],
    ];
    for (const [name, moveOnce] of forward) {
      step = name;
      await holdServing(run, db());
      const result = await moveOnce();
      steps.push({ name, status: result.status, detail: result.detail });
    }
    step = "record";
    const warnings = steps.flatMap((s) => (typeof s.detail.warning === "string" ? [s.detail.warning] : []));
    return await runMutation(run.ctx, "OPERATOR", async (scope) => {
      await holdServing(run, scope.tx);
      const recorded = await record(scope);
      await scope.audit({ action: "deployment.promotion_applied", targetType: "Deployment", targetId: slug, after: { version: target.version, steps, warnings } });
      return recorded;
    });
  } catch (error) {
    throw await failed(run, { step, error, before, steps });
  }
}

/** A deployment's first version: the serving plane creates the deployment on its first pin. */
async function createOnServing(move: MoveContext, target: Version): Promise<StepResult> {
  try {
    return { status: "SUCCEEDED", detail: trafficDetail(await move.serving.pinVersion(move.slug, { version: target.version, expectedRevision: 0 })) };
  } catch (error) {
    if (error instanceof ServingError) throw new StepFailure(describeServingFailure(error));
    throw error;
  }
}

/** What became of serving after a failed step, and the moves that put it back (when any ran). */
type Restore =
  | { outcome: "restored" | "unchanged"; before: DeploymentStatus; steps: Step[] }
  | { outcome: "restore_failed"; before: DeploymentStatus; steps: Step[]; step: string; cause: string }
  | { outcome: "nothing_sent" | "not_restorable" | "yielded" };

/** Puts back what serving showed before the apply, through the same moves, and reads it back. */
async function restore(run: ApplyRun, before: DeploymentStatus): Promise<Restore> {
  const { move } = run;
  const back: Move[] = [
    [
      "restore_manifest",
      async () =>
        before.manifest
          ? restoreManifest(move, { version: before.pinnedVersion, manifest: before.manifest })
          : { status: "SKIPPED", detail: { reason: `serving had no manifest on record for ${before.pinnedVersion}` } },
    ],
    ["pin", () => pinVersion(move, { version: before.pinnedVersion, manifest: null })],
    ["traffic", () => placeTraffic(move, before.traffic, before.stickiness)],
    [
      "invalidate_consumers",
      () =>
        invalidateConsumers(
          move,
          {
            target: before.pinnedVersion,
            reason: `promotion:${run.slug}:${run.version} failed: ${before.pinnedVersion} is back`,
            ackTimeoutMs: RESTORE_ACK_WAIT_MS,
            acks: { blocksAll: false, blockingConsumers: new Set(), setBy: "putting serving back after a failed promotion" },
          },
          { previous: {}, saveDetail: async () => {} },
        ),
    ],
    ["verify", () => verifyShows(move, before)],
  ];
  const steps: Step[] = [];
  for (const [name, moveOnce] of back) {
    try {
      const result = await moveOnce();
      steps.push({ name, status: result.status, detail: result.detail });
    } catch (error) {
      return { outcome: "restore_failed", before, steps, step: name, cause: causeOf(error, run.ctx.requestId) };
    }
  }
  const changed = steps.some((s) => s.status === "SUCCEEDED" && s.name !== "verify" && s.name !== "invalidate_consumers");
  return { outcome: changed ? "restored" : "unchanged", before, steps };
}

/** The failure in words the caller may read; anything unexpected is logged and named by the request id. */
function causeOf(error: unknown, requestId: string): string {
  if (error instanceof StepFailure || error instanceof AppError || error instanceof LeaseLost || error instanceof ServingTakenOver) return error.message;
  if (error instanceof ServingError) return describeServingFailure(error);
  console.error(`[${requestId}] applying a promotion failed unexpectedly:`, error);
  return `an unexpected error (logged with request ${requestId})`;
}

const shown = (state: ServingState) => ("unknown" in state ? `an unknown state (${state.unknown})` : `${state.pinnedVersion} pinned with ${describeSplit(state.traffic)}`);

const servedFields = (status: DeploymentStatus) => ({ pinnedVersion: status.pinnedVersion, traffic: status.traffic, revision: status.revision });

async function readBack(run: ApplyRun): Promise<ServingState> {
  try {
    return servedFields(await run.probe.getStatus(run.slug));
  } catch (error) {
    const last = run.lastSeen();
    return { unknown: `it did not answer: ${describeServingFailure(error)}`, ...(last ? { lastSeen: { ...servedFields(last.status), at: last.at.toISOString() } } : {}) };
  }
}

/**
 * After a failed step: serving put back (or left to whoever took it over), read back, and the
 * failure audited with the step, its cause, what serving showed before and shows now. The
 * deployment's record of serving traffic follows what was read back, while this apply still
 * holds the deployment. Answers the error the caller receives.
 */
async function failed(run: ApplyRun, failure: { step: string; error: unknown; before: DeploymentStatus | null; steps: Step[] }): Promise<AppError> {
  const { step, error, before } = failure;
  const takenOver = error instanceof LeaseLost || error instanceof ServingTakenOver || (error instanceof ExecutionInterrupted && run.lease.lost.aborted);
  const cause = error instanceof ExecutionInterrupted ? new LeaseLost(run.lease.key).message : causeOf(error, run.ctx.requestId);
  const restored: Restore = takenOver
    ? { outcome: "yielded" }
    : step === "preflight"
      ? { outcome: "nothing_sent" }
      : before === null
        ? { outcome: "not_restorable" }
        : await restore(run, before);
  const servingState = await readBack(run);

  /** undefined: the database could not be read. */
  let databaseLive: string | null | undefined;
  try {
    databaseLive = await runMutation(run.ctx, "OPERATOR", async ({ tx, audit }) => {
      const stored = await loadDeploymentSnapshot(tx, run.deploymentId);
      const holds = await run.lease.fence(tx).then(
        () => true,
        (lost: unknown) => {
          if (lost instanceof LeaseLost) return false;
          throw lost;
        },
      );
      if (holds && !("unknown" in servingState)) await tx.deployment.update({ where: { id: run.deploymentId }, data: { traffic: servingState.traffic.map(({ version, percent }) => ({ version, percent })) } });
      await audit({
        action: "deployment.promotion_apply_failed",
        targetType: "Deployment",
        targetId: run.slug,
        after: {
          version: run.version,
          step,
          cause,
          outcome: restored.outcome,
          ...("steps" in restored ? { restore: { steps: restored.steps, ...(restored.outcome === "restore_failed" ? { step: restored.step, cause: restored.cause } : {}) } } : {}),
          stepsDone: failure.steps,
          servingBefore: before ? servedFields(before) : null,
          servingState,
          databaseLive: stored.snapshot.live,
        },
      });
      return stored.snapshot.live;
    });
  } catch (auditError) {
    console.error(`[${run.ctx.requestId}] could not audit the failed promotion of ${run.version} to ${run.slug}:`, auditError);
  }
  const code = takenOver ? "CONFLICT" : error instanceof AppError ? error.code : "UNAVAILABLE";
  const what = servingOutcome(restored, servingState, run.slug, databaseLive);
  return new AppError(code, `apply: ${step}: ${cause}; the promotion was not recorded; ${what}`, { step, outcome: restored.outcome });
}

/** What became of serving, in words, for the answer to the caller. */
function servingOutcome(restored: Restore, now: ServingState, slug: string, databaseLive: string | null | undefined): string {
  const live = databaseLive === undefined ? "the database could not be read" : `the database has ${databaseLive ?? "nothing"} live`;
  switch (restored.outcome) {
    case "nothing_sent":
      return "nothing was sent to serving";
    case "restored":
      return `serving was restored to ${shown(servedFields(restored.before))}`;
    case "unchanged":
      return `serving still shows ${shown(servedFields(restored.before))}, as before`;
    case "restore_failed":
      return `restoring ${restored.before.pinnedVersion} failed at ${restored.step}: ${restored.cause}; serving shows ${shown(now)} while ${live}`;
    case "not_restorable":
      return `serving had no deployment ${slug} before this promotion created it; it shows ${shown(now)} while ${live}`;
    case "yielded":
      return `serving was left to it and shows ${shown(now)}`;
  }
}

/** A promotion whose process stopped mid-apply left serving as it was then: say so before moving on. */
async function recordAbandoned(run: ApplyRun, abandoned: LeaseHolding): Promise<void> {
  const servingState = await readBack(run);
  await runMutation(run.ctx, "OPERATOR", async ({ tx, audit }) => {
    const stored = await loadDeploymentSnapshot(tx, run.deploymentId);
    await audit({
      action: "deployment.promotion_apply_abandoned",
      targetType: "Deployment",
      targetId: run.slug,
      after: {
        abandoned: abandoned.note,
        holder: abandoned.holder,
        leaseExpiredAt: abandoned.expiresAt.toISOString(),
        servingState,
        databaseLive: stored.snapshot.live,
        takenOverBy: { version: run.version, requestId: run.ctx.requestId },
      },
    });
  });
}
