import { PINNED_VERSION_MESSAGE, isPinnedVersionId } from "@/lib/registry/version-ref";

// The deployment lifecycle as a union of shapes: which versions exist on the deployment and
// which one a rollback would return to. A rollback is only callable on the shape that has a
// prior pinned version, so "roll back to nothing" is a compile error rather than a 3 a.m. surprise.

export type VersionStatus = "SHADOW" | "LIVE" | "SUPERSEDED" | "ROLLED_BACK";
export type DeploymentState = "STABLE" | "ROLLING_BACK" | "FROZEN";

export interface DeploymentVersion {
  /** The pinned version id (`v13`). */
  readonly version: string;
  readonly status: VersionStatus;
  /**
   * Orders the versions' last status changes on this deployment (load from
   * `DeploymentVersion.since`). The prior is the most recently superseded version, so only the
   * order matters; transitions here number their changes after the current maximum.
   */
  readonly changedSeq: number;
}

interface SnapshotBase {
  readonly versions: readonly DeploymentVersion[];
}

/** Nothing promoted yet: at most shadow candidates. */
export interface Unpromoted extends SnapshotBase {
  readonly state: "STABLE" | "FROZEN";
  readonly live: null;
  readonly prior: null;
}

/** A live version with nothing to roll back to; a rollback cannot be in flight. */
export interface LiveOnly extends SnapshotBase {
  readonly state: "STABLE" | "FROZEN";
  readonly live: string;
  readonly prior: null;
}

/** A live version and the pinned version a rollback would restore. */
export interface LiveWithPrior extends SnapshotBase {
  readonly state: DeploymentState;
  readonly live: string;
  readonly prior: string;
}

export type DeploymentSnapshot = Unpromoted | LiveOnly | LiveWithPrior;

export type InState<D extends DeploymentSnapshot, S extends DeploymentState> = D & { readonly state: S };
export type Rollbackable = InState<LiveWithPrior, "STABLE">;
export type RollingBack = InState<LiveWithPrior, "ROLLING_BACK">;
export type Promotable = InState<DeploymentSnapshot, "STABLE">;

export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export type LifecycleErrorCode =
  | "no_prior_version"
  | "frozen"
  | "rollback_in_flight"
  | "prior_rolled_back"
  | "illegal_transition"
  | "override_required"
  | "unpinned_version";

export interface LifecycleError {
  readonly code: LifecycleErrorCode;
  readonly message: string;
}

export const NO_PRIOR_VERSION_MESSAGE = "no prior pinned version to roll back to";

export type DeploymentEvent =
  | { readonly type: "register"; readonly version: string }
  | { readonly type: "promote"; readonly version: string; readonly override?: boolean }
  | { readonly type: "begin_rollback" }
  | { readonly type: "complete_rollback" }
  | { readonly type: "abort_rollback" }
  | { readonly type: "freeze" }
  | { readonly type: "unfreeze" };

const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
const fail = (code: LifecycleErrorCode, message: string): Result<never, LifecycleError> => ({
  ok: false,
  error: { code, message },
});

export function emptyDeployment(): InState<Unpromoted, "STABLE"> {
  return { state: "STABLE", live: null, prior: null, versions: [] };
}

export function hasPrior(d: DeploymentSnapshot): d is LiveWithPrior {
  return d.prior !== null;
}

export function isInState<S extends DeploymentState>(
  d: DeploymentSnapshot,
  state: S,
): d is InState<DeploymentSnapshot, S> {
  return d.state === state;
}

function isRollingBack(d: DeploymentSnapshot): d is RollingBack {
  return d.state === "ROLLING_BACK" && d.prior !== null;
}

function nextSeq(versions: readonly DeploymentVersion[]): number {
  return versions.reduce((max, v) => Math.max(max, v.changedSeq), 0) + 1;
}

function findVersion(d: DeploymentSnapshot, version: string): DeploymentVersion | undefined {
  return d.versions.find((v) => v.version === version);
}

/** The most recently superseded version: where the next rollback would go. */
function mostRecentlySuperseded(versions: readonly DeploymentVersion[]): string | null {
  let best: DeploymentVersion | null = null;
  for (const v of versions) {
    if (v.status === "SUPERSEDED" && (best === null || v.changedSeq > best.changedSeq)) best = v;
  }
  return best?.version ?? null;
}

/** Adds a candidate in SHADOW. Shadowing serves no live traffic, so any state allows it. */
export function registerShadow<D extends DeploymentSnapshot>(d: D, version: string): Result<D, LifecycleError> {
  if (!isPinnedVersionId(version)) return fail("unpinned_version", PINNED_VERSION_MESSAGE);
  const existing = findVersion(d, version);
  if (existing) {
    return fail("illegal_transition", `${version} is already on this deployment (${existing.status})`);
  }
  const added: DeploymentVersion = { version, status: "SHADOW", changedSeq: nextSeq(d.versions) };
  return ok({ ...d, versions: [...d.versions, added] });
}

export interface PromoteOptions {
  /** Required to put a version that was rolled back on this deployment live again. */
  readonly override?: boolean;
}

/**
 * Puts `version` live (registering it if it was never shadowed). The old live version becomes
 * SUPERSEDED and the prior, so the promotion is immediately reversible.
 */
export function promote(
  d: InState<Unpromoted, "STABLE">,
  version: string,
  options?: PromoteOptions,
): Result<InState<LiveOnly, "STABLE">, LifecycleError>;
export function promote(
  d: InState<LiveOnly | LiveWithPrior, "STABLE">,
  version: string,
  options?: PromoteOptions,
): Result<InState<LiveWithPrior, "STABLE">, LifecycleError>;
export function promote(
  d: Promotable,
  version: string,
  options?: PromoteOptions,
): Result<InState<LiveOnly | LiveWithPrior, "STABLE">, LifecycleError>;
export function promote(
  d: Promotable,
  version: string,
  options: PromoteOptions = {},
): Result<InState<LiveOnly | LiveWithPrior, "STABLE">, LifecycleError> {
  if (!isPinnedVersionId(version)) return fail("unpinned_version", PINNED_VERSION_MESSAGE);
  const existing = findVersion(d, version);
  if (existing?.status === "LIVE") return fail("illegal_transition", `${version} is already live`);
  if (existing?.status === "ROLLED_BACK" && options.override !== true) {
    return fail(
      "override_required",
      `${version} was rolled back on this deployment; promoting it again requires an override`,
    );
  }

  const seq = nextSeq(d.versions);
  const versions: DeploymentVersion[] = d.versions.map((v) => {
    if (v.version === d.live) return { ...v, status: "SUPERSEDED", changedSeq: seq };
    if (v.version === version) return { ...v, status: "LIVE", changedSeq: seq + 1 };
    return v;
  });
  if (!existing) versions.push({ version, status: "LIVE", changedSeq: seq + 1 });

  if (d.live === null) return ok({ state: "STABLE", live: version, prior: null, versions });
  return ok({ state: "STABLE", live: version, prior: d.live, versions });
}

export function beginRollback(d: Rollbackable): RollingBack {
  return { ...d, state: "ROLLING_BACK" };
}

/**
 * The prior goes live again and the bad version is marked ROLLED_BACK. The next prior is the
 * most recently superseded version left, so repeated rollbacks walk back through history and
 * never land on a version that was itself rolled back.
 */
export function completeRollback(d: RollingBack): InState<LiveOnly | LiveWithPrior, "STABLE"> {
  const seq = nextSeq(d.versions);
  const versions: DeploymentVersion[] = d.versions.map((v) => {
    if (v.version === d.live) return { ...v, status: "ROLLED_BACK", changedSeq: seq };
    if (v.version === d.prior) return { ...v, status: "LIVE", changedSeq: seq + 1 };
    return v;
  });
  const prior = mostRecentlySuperseded(versions);
  if (prior === null) return { state: "STABLE", live: d.prior, prior: null, versions };
  return { state: "STABLE", live: d.prior, prior, versions };
}

/** Gives up on an in-flight rollback: the bad version stays live and the prior stays the target. */
export function abortRollback(d: RollingBack): Rollbackable {
  return { ...d, state: "STABLE" };
}

export function freeze(d: InState<Unpromoted, "STABLE">): InState<Unpromoted, "FROZEN">;
export function freeze(d: InState<LiveOnly, "STABLE">): InState<LiveOnly, "FROZEN">;
export function freeze(d: InState<LiveWithPrior, "STABLE">): InState<LiveWithPrior, "FROZEN">;
export function freeze(d: InState<DeploymentSnapshot, "STABLE">): InState<DeploymentSnapshot, "FROZEN">;
export function freeze(d: InState<DeploymentSnapshot, "STABLE">): InState<DeploymentSnapshot, "FROZEN"> {
  return { ...d, state: "FROZEN" };
}

export function unfreeze(d: InState<Unpromoted, "FROZEN">): InState<Unpromoted, "STABLE">;
export function unfreeze(d: InState<LiveOnly, "FROZEN">): InState<LiveOnly, "STABLE">;
export function unfreeze(d: InState<LiveWithPrior, "FROZEN">): InState<LiveWithPrior, "STABLE">;
export function unfreeze(d: InState<DeploymentSnapshot, "FROZEN">): InState<DeploymentSnapshot, "STABLE">;
export function unfreeze(d: InState<DeploymentSnapshot, "FROZEN">): InState<DeploymentSnapshot, "STABLE"> {
  return { ...d, state: "STABLE" };
}

function priorIsRestorable(d: LiveWithPrior): Result<true, LifecycleError> {
  const prior = findVersion(d, d.prior);
  if (prior?.status !== "SUPERSEDED") {
    return fail(
      "prior_rolled_back",
      `prior version ${d.prior} is ${prior ? prior.status : "missing from the deployment"}; it cannot be restored`,
    );
  }
  return ok(true);
}

/** Narrows a snapshot read at run time to one a rollback may start from. */
export function checkRollbackable(d: DeploymentSnapshot): Result<Rollbackable, LifecycleError> {
  if (d.state === "ROLLING_BACK") {
    return fail("rollback_in_flight", "a rollback is already in flight on this deployment");
  }
  if (!hasPrior(d)) return fail("no_prior_version", NO_PRIOR_VERSION_MESSAGE);
  const restorable = priorIsRestorable(d);
  if (!restorable.ok) return restorable;
  if (!isInState(d, "STABLE")) return fail("frozen", "the deployment is frozen; unfreeze it before rolling back");
  return ok(d);
}

/** Applies one event to a snapshot known only at run time. The input is never modified. */
export function applyEvent(d: DeploymentSnapshot, event: DeploymentEvent): Result<DeploymentSnapshot, LifecycleError> {
  switch (event.type) {
    case "register":
      return registerShadow(d, event.version);
    case "promote":
      if (d.state === "ROLLING_BACK") {
        return fail("rollback_in_flight", "finish or abort the rollback in flight before promoting");
      }
      if (!isInState(d, "STABLE")) return fail("frozen", "the deployment is frozen; unfreeze it before promoting");
      return promote(d, event.version, { override: event.override === true });
    case "begin_rollback": {
      const checked = checkRollbackable(d);
      return checked.ok ? ok(beginRollback(checked.value)) : checked;
    }
    case "complete_rollback": {
      if (!isRollingBack(d)) return fail("illegal_transition", "there is no rollback in flight to complete");
      const restorable = priorIsRestorable(d);
      return restorable.ok ? ok(completeRollback(d)) : restorable;
    }
    case "abort_rollback":
      if (!isRollingBack(d)) return fail("illegal_transition", "there is no rollback in flight to abort");
      return ok(abortRollback(d));
    case "freeze":
      if (d.state === "ROLLING_BACK") {
        return fail("rollback_in_flight", "finish or abort the rollback in flight before freezing");
      }
      if (!isInState(d, "STABLE")) return fail("illegal_transition", "the deployment is already frozen");
      return ok(freeze(d));
    case "unfreeze":
      if (!isInState(d, "FROZEN")) return fail("illegal_transition", "the deployment is not frozen");
      return ok(unfreeze(d));
  }
}

/**
 * Every rule a snapshot must satisfy, as human-readable violations (empty when consistent).
 * Use it on snapshots assembled from stored rows before trusting their shape.
 */
export function checkInvariants(d: {
  readonly state: DeploymentState;
  readonly live: string | null;
  readonly prior: string | null;
  readonly versions: readonly DeploymentVersion[];
}): string[] {
  const violations: string[] = [];
  const ids = d.versions.map((v) => v.version);
  if (new Set(ids).size !== ids.length) violations.push("a version appears more than once");
  for (const id of ids) {
    if (!isPinnedVersionId(id)) violations.push(`${JSON.stringify(id)} is not a pinned version id`);
  }

  const liveVersions = d.versions.filter((v) => v.status === "LIVE");
  if (liveVersions.length > 1) violations.push("more than one version is LIVE");
  const liveId = liveVersions[0]?.version ?? null;
  if (d.live !== liveId) {
    violations.push(`live is ${d.live ?? "none"} but the LIVE version is ${liveId ?? "none"}`);
  }

  if (d.prior !== null) {
    if (d.prior === d.live) violations.push("the prior is the live version");
    const prior = d.versions.find((v) => v.version === d.prior);
    if (prior?.status !== "SUPERSEDED") {
      violations.push(`the prior ${d.prior} is ${prior?.status ?? "not on the deployment"}, not SUPERSEDED`);
    }
  }
  const expectedPrior = mostRecentlySuperseded(d.versions);
  if (d.prior !== expectedPrior) {
    violations.push(`the prior should be the most recently superseded version (${expectedPrior ?? "none"})`);
  }

  if (d.state === "ROLLING_BACK" && (d.prior === null || d.live === null)) {
    violations.push("a rollback is in flight without a live and a prior version");
  }
  if (d.live === null && d.versions.some((v) => v.status !== "SHADOW")) {
    violations.push("nothing is live although a version has been live before");
  }
  return violations;
}

export interface InconsistentSnapshot {
  readonly code: "inconsistent_snapshot";
  readonly message: string;
  readonly violations: readonly string[];
}

/** Types stored rows as a snapshot once every invariant holds. */
export function toSnapshot(raw: {
  readonly state: DeploymentState;
  readonly live: string | null;
  readonly prior: string | null;
  readonly versions: readonly DeploymentVersion[];
}): Result<DeploymentSnapshot, InconsistentSnapshot> {
  const violations = checkInvariants(raw);
  const { state, live, prior, versions } = raw;
  if (violations.length === 0) {
    if (live !== null && prior !== null) return ok({ state, live, prior, versions });
    // Without a prior the invariants have already excluded ROLLING_BACK.
    if (state !== "ROLLING_BACK") {
      return ok(live === null ? { state, live, prior: null, versions } : { state, live, prior: null, versions });
    }
  }
  return {
    ok: false,
    error: { code: "inconsistent_snapshot", message: `inconsistent deployment: ${violations.join("; ")}`, violations },
  };
}
