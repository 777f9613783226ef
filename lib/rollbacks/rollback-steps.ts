import "server-only";
import type { Prisma, RollbackStep } from "@prisma/client";
import { hasRole } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { sameManifest, toServingManifest } from "@/lib/serving/manifest";
import { describeServingFailure, ServingError, type DeploymentStatus, type ServingAdapter } from "@/lib/serving/port";
import { describeSplit, sameSplit, splitWeights } from "@/lib/serving/traffic";
import { isInFlight, type RollbackLeg } from "./status";

// One function per persisted step. Each reads the serving plane first and does only what is not
// already true, so running a step again (a retry, or a new worker resuming after a crash) never
// repeats a change the serving plane already shows.

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
  serving: ServingAdapter;
  /** The same serving plane without retries, to record its state after a failure. */
  probe: ServingAdapter;
  signal: AbortSignal;
};

export type StepDetail = Record<string, unknown>;
export type StepResult = { status: "SUCCEEDED" | "SKIPPED"; detail: StepDetail };

export type StepInput = {
  ctx: ExecutionContext;
  step: RollbackStep;
  /** Persists progress inside the step (an applied change, an invalidation id) before waiting. */
  saveDetail: (detail: StepDetail) => Promise<void>;
};

/** A step that cannot complete; `message` is what the operator reads after the step's name. */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly detail: StepDetail = {},
  ) {
    super(message);
    this.name = "StepFailure";
  }
}

/** The worker is stopping: leave the step as it is; the next start resumes it. */
export class ExecutionInterrupted extends Error {
  constructor() {
    super("the rollback worker stopped; the next worker resumes this operation");
    this.name = "ExecutionInterrupted";
  }
}

type StepParams = { leg: RollbackLeg; percent?: number; dwellSeconds?: number };
export const stepParams = (step: Pick<RollbackStep, "params">) => step.params as StepParams;
const previousDetail = (step: RollbackStep): StepDetail => (step.detail ?? {}) as StepDetail;

/** The leg's target and the version it moves traffic away from. */
export function legVersions(ctx: ExecutionContext, leg: RollbackLeg): { target: VersionRef; other: VersionRef } {
  return leg === "forward" ? { target: ctx.from, other: ctx.to } : { target: ctx.to, other: ctx.from };
}

function checkInterrupted(signal: AbortSignal): void {
  if (signal.aborted) throw new ExecutionInterrupted();
}

export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  checkInterrupted(signal);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
  checkInterrupted(signal);
}

/** Serving failures become step failures that name the cause; anything else propagates. */
async function serve<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ServingError) throw new StepFailure(describeServingFailure(error), { servingError: error.kind });
    throw error;
  }
}

async function readStatus(ctx: ExecutionContext): Promise<DeploymentStatus> {
  try {
    return await ctx.serving.getStatus(ctx.slug);
  } catch (error) {
    if (error instanceof ServingError && error.kind === "not_found") {
      throw new StepFailure(`the serving plane has no deployment named ${ctx.slug}; nothing is pinned there to move`);
    }
    if (error instanceof ServingError) throw new StepFailure(describeServingFailure(error), { servingError: error.kind });
    throw error;
  }
}

/** Re-reads and tries again when someone else changed the deployment between read and write. */
async function withFreshRevision<T>(ctx: ExecutionContext, first: DeploymentStatus, write: (status: DeploymentStatus) => Promise<T>): Promise<T> {
  let status = first;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write(status);
    } catch (error) {
      if (!(error instanceof ServingError) || error.kind !== "stale_revision" || attempt >= 3) {
        if (error instanceof ServingError) throw new StepFailure(describeServingFailure(error), { servingError: error.kind });
        throw error;
      }
      status = await readStatus(ctx);
    }
  }
}

const trafficDetail = (status: DeploymentStatus) => ({
  revision: status.revision,
  pinnedVersion: status.pinnedVersion,
  traffic: status.traffic,
});

async function preflight({ ctx, step }: StepInput): Promise<StepResult> {
  const { target } = legVersions(ctx, stepParams(step).leg);
  const status = await readStatus(ctx);
  if (target.purgedAt) throw new StepFailure(`${target.version} was purged from the registry; its artifacts are gone`);
  if (!toServingManifest(target.manifest)) {
    throw new StepFailure(`${target.version}'s state manifest in the registry has no weightsDigest; it cannot be restored`);
  }
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
  const shifts = await db().rollbackStep.findMany({ where: { operationId: ctx.operationId, name: "shift_traffic" }, select: { params: true } });
  if (shifts.some((shift) => stepParams(shift).percent !== 100) && !ctx.serving.capabilities.ramp) {
    throw new StepFailure("this serving plane cannot split traffic, so a ramp is impossible; request an instant rollback");
  }
  return {
    status: "SUCCEEDED",
    detail: { ...trafficDetail(status), ready: status.ready, target: target.version, approver: ctx.approvedLabel ?? "policy (automatic)" },
  };
}

async function restoreManifest({ ctx, step }: StepInput): Promise<StepResult> {
  const { target } = legVersions(ctx, stepParams(step).leg);
  const manifest = toServingManifest(target.manifest);
  if (!manifest) throw new StepFailure(`${target.version}'s state manifest has no weightsDigest`);
  if (!ctx.serving.capabilities.manifestRestore) {
    return { status: "SKIPPED", detail: { reason: "this serving plane does not restore state manifests" } };
  }
  const status = await readStatus(ctx);
  if (status.pinnedVersion === target.version && sameManifest(status.manifest, manifest)) {
    return { status: "SKIPPED", detail: { reason: `${target.version}'s manifest is already in place`, revision: status.revision } };
  }
  const after = await serve(() => ctx.serving.restoreManifest(ctx.slug, { version: target.version, manifest }));
  return { status: "SUCCEEDED", detail: { version: target.version, weightsDigest: manifest.weightsDigest, revision: after.revision } };
}

async function pinPrior({ ctx, step }: StepInput): Promise<StepResult> {
  const { target } = legVersions(ctx, stepParams(step).leg);
  const status = await readStatus(ctx);
  if (status.pinnedVersion === target.version) {
    return { status: "SKIPPED", detail: { reason: `${target.version} is already pinned`, revision: status.revision } };
  }
  const after = await withFreshRevision(ctx, status, (current) =>
    ctx.serving.pinVersion(ctx.slug, { version: target.version, expectedRevision: current.revision }),
  );
  return { status: "SUCCEEDED", detail: { previous: status.pinnedVersion, pinned: after.pinnedVersion, revision: after.revision } };
}

async function watchCanary(ctx: ExecutionContext, target: VersionRef, since: Date, untilMs: number, percent: number): Promise<void> {
  for (;;) {
    const breach = await db().detection.findFirst({
      where: { deploymentId: ctx.deploymentId, versionId: target.id, detectedAt: { gte: since } },
      orderBy: { detectedAt: "desc" },
    });
    if (breach) {
      throw new StepFailure(
        `canary breach on ${target.version} during the ${percent}% dwell: ${breach.metric} fell below the floor ${breach.floorValue} (${breach.floorSource}, detection ${breach.id})`,
        { detectionId: breach.id },
      );
    }
    const remaining = untilMs - Date.now();
    if (remaining <= 0) return;
    await sleep(Math.min(1_000, remaining), ctx.signal);
  }
}

async function shiftTraffic({ ctx, step, saveDetail }: StepInput): Promise<StepResult> {
  const params = stepParams(step);
  const percent = params.percent ?? 100;
  const dwellMs = (params.dwellSeconds ?? 0) * 1000;
  const { target, other } = legVersions(ctx, params.leg);
  const weights = splitWeights(target.version, other.version, percent);
  const earlier = previousDetail(step);
  const status = await readStatus(ctx);
  let applied = earlier.applied === true;
  let detail: StepDetail = { ...earlier, target: describeSplit(weights) };
  if (!sameSplit(status.traffic, weights)) {
    const stickiness = percent < 100 && ctx.serving.capabilities.stickiness ? "session" : undefined;
    const after = await withFreshRevision(ctx, status, (current) =>
      ctx.serving.setTraffic(ctx.slug, { weights, stickiness, expectedRevision: current.revision }),
    );
    applied = true;
    detail = { ...detail, applied, appliedAt: new Date().toISOString(), from: describeSplit(status.traffic), revision: after.revision };
    await saveDetail(detail);
  } else if (typeof earlier.appliedAt !== "string") {
    detail = { ...detail, applied: false, appliedAt: new Date().toISOString(), revision: status.revision };
    await saveDetail(detail);
  }
  if (dwellMs > 0) {
    // The dwell counts from when the split took effect, so a resumed step only waits out the rest.
    const since = new Date(detail.appliedAt as string);
    await watchCanary(ctx, target, since, since.getTime() + dwellMs, percent);
    detail = { ...detail, dwellSeconds: params.dwellSeconds, canary: `no breach on ${target.version}` };
  }
  return { status: applied ? "SUCCEEDED" : "SKIPPED", detail: applied ? detail : { ...detail, reason: `traffic was already ${describeSplit(weights)}` } };
}

async function invalidateConsumers({ ctx, step, saveDetail }: StepInput): Promise<StepResult> {
  const { target } = legVersions(ctx, stepParams(step).leg);
  if (!ctx.serving.capabilities.consumerInvalidation) {
    return { status: "SKIPPED", detail: { reason: "this serving plane does not invalidate consumers" } };
  }
  let detail = previousDetail(step);
  if (typeof detail.invalidationId !== "string") {
    const status = await readStatus(ctx);
    if (status.consumers.length === 0) return { status: "SKIPPED", detail: { reason: "the deployment has no consumers" } };
    if (status.consumers.every((consumer) => consumer.acknowledgedRevision >= status.revision)) {
      return { status: "SKIPPED", detail: { reason: `every consumer already acknowledged revision ${status.revision}`, consumers: status.consumers.map((c) => c.id) } };
    }
    const receipt = await serve(() =>
      ctx.serving.invalidateConsumers(ctx.slug, { reason: `rollback ${ctx.operationId}: ${target.version} is live`, version: target.version }),
    );
    detail = { invalidationId: receipt.invalidationId, consumers: receipt.consumers, requestedAt: new Date().toISOString() };
    await saveDetail(detail);
  }
  const invalidationId = detail.invalidationId as string;
  const deadline = Date.parse(detail.requestedAt as string) + ctx.consumerAckTimeoutMs;
  let progress = await serve(() => ctx.serving.getInvalidation(ctx.slug, invalidationId));
  while (progress.pending.length > 0 && Date.now() < deadline) {
    await sleep(Math.min(100, Math.max(1, deadline - Date.now())), ctx.signal);
    progress = await serve(() => ctx.serving.getInvalidation(ctx.slug, invalidationId));
  }
  detail = { ...detail, acknowledged: progress.acknowledged, unacknowledged: progress.pending };
  if (progress.pending.length === 0) return { status: "SUCCEEDED", detail };
  const seconds = Math.round(ctx.consumerAckTimeoutMs / 100) / 10;
  const blocking = progress.pending.filter((id) => ctx.blockOnUnacknowledged || ctx.blockingConsumers.has(id));
  if (blocking.length > 0) {
    const why = ctx.blockOnUnacknowledged ? "the policy blocks on unacknowledged consumers" : "they are marked blocking";
    throw new StepFailure(`no acknowledgement within ${seconds} s from ${blocking.join(", ")} (${why})`, detail);
  }
  return {
    status: "SUCCEEDED",
    detail: { ...detail, warning: `no acknowledgement within ${seconds} s from ${progress.pending.join(", ")}; completed anyway because the policy does not block on it` },
  };
}

async function verify({ ctx, step }: StepInput): Promise<StepResult> {
  const { target } = legVersions(ctx, stepParams(step).leg);
  const status = await readStatus(ctx);
  const expected = splitWeights(target.version, target.version, 100);
  if (status.pinnedVersion !== target.version || !sameSplit(status.traffic, expected)) {
    throw new StepFailure(
      `the serving plane reports ${status.pinnedVersion} pinned with ${describeSplit(status.traffic)}; expected ${target.version} pinned at 100%`,
      trafficDetail(status),
    );
  }
  return { status: "SUCCEEDED", detail: trafficDetail(status) };
}

const STEPS: Record<string, (input: StepInput) => Promise<StepResult>> = {
  preflight,
  restore_manifest: restoreManifest,
  pin_prior: pinPrior,
  shift_traffic: shiftTraffic,
  invalidate_consumers: invalidateConsumers,
  verify,
};

export async function runStep(input: StepInput): Promise<StepResult> {
  const run = STEPS[input.step.name];
  if (!run) throw new StepFailure(`unknown step ${input.step.name}`);
  checkInterrupted(input.ctx.signal);
  return run(input);
}

export const asJson = (value: StepDetail) => JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
