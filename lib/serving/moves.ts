// The moves that put a version in place on a serving backend: restore its manifest, pin it,
// shift traffic to it, invalidate consumers, verify. Each reads the backend first and does only
// what is not already true, so running a move again (a retry, a resumed worker) never repeats a
// change the backend already shows. A move that needs a capability the backend lacks is SKIPPED,
// with the reason on record. Rollbacks (both legs) and applied promotions are built from these.
import { formatDuration } from "@/lib/format-duration";
import { hasCapability, lackingReason, type ServingCapabilities, type ServingCapability } from "./capabilities";
import { sameManifest, toServingManifest } from "./manifest";
import { describeServingFailure, ServingError, type DeploymentStatus, type ServingAdapter, type Stickiness, type TrafficWeight } from "./port";
import { describeSplit, sameSplit, splitWeights } from "./traffic";

export type StepDetail = Record<string, unknown>;
export type StepResult = { status: "SUCCEEDED" | "SKIPPED"; detail: StepDetail };

/** A move that cannot complete; `message` is what the operator reads after the step's name. */
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

/** The backend a move talks to, the deployment's name there, and the signal that stops waits. */
export type MoveContext = { serving: ServingAdapter; slug: string; signal: AbortSignal };

/** What a move reads about a version: its pinned id and the registry's manifest. */
export type MoveVersion = { version: string; manifest: unknown };

/** Progress a waiting move keeps: the detail an earlier attempt saved, and how to save more. */
export type MoveProgress = { previous: StepDetail; saveDetail: (detail: StepDetail) => Promise<void> };

export function checkInterrupted(signal: AbortSignal): void {
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

/** Skipped because the backend cannot do it, or null when it can. */
export function unlessCapable(capabilities: ServingCapabilities, capability: ServingCapability): StepResult | null {
  return hasCapability(capabilities, capability) ? null : { status: "SKIPPED", detail: { reason: lackingReason(capability), capability } };
}

/**
 * What a rollback on a backend with these capabilities will skip, in words, for the dialog that
 * asks for confirmation. The executor skips the same moves (the `unlessCapable` calls below).
 */
export function skippedMoves(capabilities: ServingCapabilities, mode: "instant" | "ramp"): string[] {
  const skipped: [ServingCapability, string][] = [
    ["manifestRestore", "restoring the prior version's state manifest"],
    ["consumerInvalidation", "telling consumers to drop state cached against the bad version"],
  ];
  if (mode === "ramp") {
    skipped.push(["ramp", "the partial ramp stages (traffic moves only at 100%)"], ["stickiness", "keeping each session on one version during the ramp"]);
  }
  return skipped.filter(([capability]) => !capabilities[capability]).map(([capability, what]) => `${what}: ${lackingReason(capability)}`);
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

export async function readStatus(ctx: MoveContext): Promise<DeploymentStatus> {
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
async function withFreshRevision<T>(ctx: MoveContext, first: DeploymentStatus, write: (status: DeploymentStatus) => Promise<T>): Promise<T> {
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

/** Refuses a version whose artifacts were purged or whose manifest cannot be restored. */
export function requireRestorable(target: MoveVersion & { purgedAt: Date | null }): void {
  if (target.purgedAt) throw new StepFailure(`${target.version} was purged from the registry; its artifacts are gone`);
  if (!toServingManifest(target.manifest)) {
    throw new StepFailure(`${target.version}'s state manifest in the registry has no weightsDigest; it cannot be restored`);
  }
}

/**
 * Manifest reachability: asks the backend whether the target's state artifacts (vector index
 * snapshot, memory checkpoint) answer, before anything moves. One that does not fails the move:
 * restoring a manifest whose state is gone would leave the version on someone else's state.
 */
export async function checkManifestReachable(ctx: MoveContext, target: MoveVersion): Promise<StepDetail> {
  const manifest = toServingManifest(target.manifest);
  if (!manifest) throw new StepFailure(`${target.version}'s state manifest has no weightsDigest`);
  if (!hasCapability(ctx.serving.capabilities, "manifestPreflight") || !ctx.serving.preflightManifest) {
    return { manifestPreflight: { skipped: lackingReason("manifestPreflight") } };
  }
  if (manifest.vectorIndexSnapshot === undefined && manifest.agentMemoryCheckpoint === undefined) {
    return { manifestPreflight: { skipped: `${target.version}'s manifest names no vector index snapshot or memory checkpoint` } };
  }
  const result = await serve(() => ctx.serving.preflightManifest!(ctx.slug, { version: target.version, manifest }));
  const reachable = result.artifacts.every((artifact) => artifact.reachable);
  const detail = { manifestPreflight: { reachable, checkedAt: result.checkedAt, artifacts: result.artifacts } };
  if (!reachable) {
    const missing = result.artifacts.filter((a) => !a.reachable).map((a) => `${a.artifact} ${a.ref}${a.detail ? ` (${a.detail})` : ""}`);
    throw new StepFailure(`${target.version}'s state did not answer the preflight: ${missing.join("; ")}`, detail);
  }
  return detail;
}

export const trafficDetail = (status: DeploymentStatus) => ({
  revision: status.revision,
  pinnedVersion: status.pinnedVersion,
  traffic: status.traffic,
});

export async function restoreManifest(ctx: MoveContext, target: MoveVersion): Promise<StepResult> {
  const manifest = toServingManifest(target.manifest);
  if (!manifest) throw new StepFailure(`${target.version}'s state manifest has no weightsDigest`);
  const unsupported = unlessCapable(ctx.serving.capabilities, "manifestRestore");
  if (unsupported) return unsupported;
  const status = await readStatus(ctx);
  if (status.pinnedVersion === target.version && sameManifest(status.manifest, manifest)) {
    return { status: "SKIPPED", detail: { reason: `${target.version}'s manifest is already in place`, revision: status.revision } };
  }
  const after = await serve(() => ctx.serving.restoreManifest(ctx.slug, { version: target.version, manifest }));
  return { status: "SUCCEEDED", detail: { version: target.version, weightsDigest: manifest.weightsDigest, revision: after.revision } };
}

export async function pinVersion(ctx: MoveContext, target: MoveVersion): Promise<StepResult> {
  const status = await readStatus(ctx);
  if (status.pinnedVersion === target.version) {
    return { status: "SKIPPED", detail: { reason: `${target.version} is already pinned`, revision: status.revision } };
  }
  const after = await withFreshRevision(ctx, status, (current) =>
    ctx.serving.pinVersion(ctx.slug, { version: target.version, expectedRevision: current.revision }),
  );
  const detail: StepDetail = { previous: status.pinnedVersion, pinned: after.pinnedVersion, revision: after.revision };
  // A backend whose pinned version follows its traffic (haproxy) shows the target only once traffic moves.
  if (after.pinnedVersion !== target.version) detail.note = `the backend reports ${after.pinnedVersion} pinned until traffic moves to ${target.version}`;
  return { status: "SUCCEEDED", detail };
}

/**
 * Traffic at the split, in place: whether this attempt (or an earlier one) changed it, and since
 * when the split holds (a dwell counts from then). `unsupported` when the backend cannot split.
 */
export type ShiftOutcome = { unsupported: StepResult } | { unsupported: null; applied: boolean; appliedAt: Date; detail: StepDetail };

export async function shiftTraffic(
  ctx: MoveContext,
  split: { target: string; other: string; percent: number },
  progress: MoveProgress,
): Promise<ShiftOutcome> {
  if (split.percent < 100) {
    const unsupported = unlessCapable(ctx.serving.capabilities, "ramp");
    if (unsupported) return { unsupported };
  }
  const weights = splitWeights(split.target, split.other, split.percent);
  const earlier = progress.previous;
  const status = await readStatus(ctx);
  let applied = earlier.applied === true;
  let detail: StepDetail = { ...earlier, target: describeSplit(weights) };
  if (!sameSplit(status.traffic, weights)) {
    const sticky = split.percent < 100 && ctx.serving.capabilities.stickiness;
    const after = await withFreshRevision(ctx, status, (current) =>
      ctx.serving.setTraffic(ctx.slug, { weights, stickiness: sticky ? "session" : undefined, expectedRevision: current.revision }),
    );
    applied = true;
    detail = { ...detail, applied, appliedAt: new Date().toISOString(), from: describeSplit(status.traffic), revision: after.revision };
    if (split.percent < 100 && !sticky) detail.stickiness = lackingReason("stickiness");
    await progress.saveDetail(detail);
  } else if (typeof earlier.appliedAt !== "string") {
    detail = { ...detail, applied: false, appliedAt: new Date().toISOString(), revision: status.revision };
    await progress.saveDetail(detail);
  }
  return { unsupported: null, applied, appliedAt: new Date(detail.appliedAt as string), detail };
}

/** The step's result once traffic is in place (and any dwell is over). */
export function shiftResult(outcome: ShiftOutcome): StepResult {
  if (outcome.unsupported) return outcome.unsupported;
  return outcome.applied ? { status: "SUCCEEDED", detail: outcome.detail } : { status: "SKIPPED", detail: { ...outcome.detail, reason: `traffic was already ${outcome.detail.target as string}` } };
}

/** Whose missing acknowledgement fails the move; `setBy` names where `blocksAll` comes from, e.g. "the rollback plan". */
export type AckPolicy = { blocksAll: boolean; blockingConsumers: ReadonlySet<string>; setBy: string };

export async function invalidateConsumers(
  ctx: MoveContext,
  input: { target: string; reason: string; ackTimeoutMs: number; acks: AckPolicy },
  progress: MoveProgress,
): Promise<StepResult> {
  const unsupported = unlessCapable(ctx.serving.capabilities, "consumerInvalidation");
  if (unsupported) return unsupported;
  let detail = progress.previous;
  if (typeof detail.invalidationId !== "string") {
    const status = await readStatus(ctx);
    if (status.consumers.length === 0) return { status: "SKIPPED", detail: { reason: "the deployment has no consumers" } };
    if (status.consumers.every((consumer) => consumer.acknowledgedRevision >= status.revision)) {
      return { status: "SKIPPED", detail: { reason: `every consumer already acknowledged revision ${status.revision}`, consumers: status.consumers.map((c) => c.id) } };
    }
    const receipt = await serve(() => ctx.serving.invalidateConsumers(ctx.slug, { reason: input.reason, version: input.target }));
    detail = { invalidationId: receipt.invalidationId, consumers: receipt.consumers, requestedAt: new Date().toISOString() };
    await progress.saveDetail(detail);
  }
  const invalidationId = detail.invalidationId as string;
  const deadline = Date.parse(detail.requestedAt as string) + input.ackTimeoutMs;
  let acks = await serve(() => ctx.serving.getInvalidation(ctx.slug, invalidationId));
  while (acks.pending.length > 0 && Date.now() < deadline) {
    await sleep(Math.min(100, Math.max(1, deadline - Date.now())), ctx.signal);
    acks = await serve(() => ctx.serving.getInvalidation(ctx.slug, invalidationId));
  }
  // Each consumer's time to acknowledge, by the plane's clock: the shared-context consensus latency.
  const createdAt = Date.parse(acks.createdAt);
  const latencies = (acks.acknowledgements ?? []).map((ack) => ({ consumer: ack.consumer, latencyMs: Math.max(0, Date.parse(ack.at) - createdAt) }));
  detail = { ...detail, acknowledged: acks.acknowledged, unacknowledged: acks.pending, ...(latencies.length > 0 ? { ackLatencies: latencies } : {}) };
  if (acks.pending.length === 0) return { status: "SUCCEEDED", detail };
  const waited = formatDuration(input.ackTimeoutMs);
  const blocking = acks.pending.filter((id) => input.acks.blocksAll || input.acks.blockingConsumers.has(id));
  if (blocking.length > 0) {
    const why = input.acks.blocksAll ? `${input.acks.setBy} blocks on unacknowledged consumers` : "they are marked blocking";
    throw new StepFailure(`no acknowledgement within ${waited} from ${blocking.join(", ")} (${why})`, detail);
  }
  return {
    status: "SUCCEEDED",
    detail: { ...detail, warning: `no acknowledgement within ${waited} from ${acks.pending.join(", ")}; completed anyway because ${input.acks.setBy} does not block on it` },
  };
}

/** Traffic at exactly `weights` (a split put back as it was, say); skipped when it already is. */
export async function placeTraffic(ctx: MoveContext, weights: TrafficWeight[], stickiness?: Stickiness): Promise<StepResult> {
  const status = await readStatus(ctx);
  if (sameSplit(status.traffic, weights)) return { status: "SKIPPED", detail: { reason: `traffic was already ${describeSplit(weights)}`, revision: status.revision } };
  const after = await withFreshRevision(ctx, status, (current) =>
    ctx.serving.setTraffic(ctx.slug, { weights, stickiness, expectedRevision: current.revision }),
  );
  return { status: "SUCCEEDED", detail: { from: describeSplit(status.traffic), target: describeSplit(weights), revision: after.revision } };
}

/** Reads the serving plane back and fails unless it pins `pinnedVersion` with `traffic`. */
export async function verifyShows(ctx: MoveContext, expected: { pinnedVersion: string; traffic: readonly TrafficWeight[] }): Promise<StepResult> {
  const status = await readStatus(ctx);
  if (status.pinnedVersion !== expected.pinnedVersion || !sameSplit(status.traffic, expected.traffic)) {
    throw new StepFailure(
      `the serving plane reports ${status.pinnedVersion} pinned with ${describeSplit(status.traffic)}; expected ${expected.pinnedVersion} pinned with ${describeSplit(expected.traffic)}`,
      trafficDetail(status),
    );
  }
  return { status: "SUCCEEDED", detail: trafficDetail(status) };
}

export const verifyServes = (ctx: MoveContext, target: MoveVersion): Promise<StepResult> =>
  verifyShows(ctx, { pinnedVersion: target.version, traffic: splitWeights(target.version, target.version, 100) });
