// When a rehearsal must not start: it would move traffic on a deployment that is already in
// trouble or already moving, which turns a calm exercise into a second incident.

export interface RehearsalPreconditions {
  readonly liveVersion: string | null;
  readonly priorVersion: string | null;
  readonly state: "STABLE" | "ROLLING_BACK" | "FROZEN";
  /** An unresolved detection on the live version. */
  readonly openDetection: { readonly metric: string } | null;
  readonly inFlightRollback: { readonly id: string; readonly status: string; readonly kind: string } | null;
  readonly runningRehearsal: { readonly id: string } | null;
  /** A policy whose last verdict says the canary is below its floor. */
  readonly breachedPolicy: { readonly metric: string } | null;
}

/** The reason to refuse, or null when the rehearsal may start. */
export function rehearsalRefusal(pre: RehearsalPreconditions): string | null {
  if (pre.runningRehearsal) return `a rehearsal is already running (${pre.runningRehearsal.id})`;
  if (pre.openDetection) {
    return `an open detection: ${pre.openDetection.metric} is below its floor on ${pre.liveVersion ?? "the live version"}`;
  }
  if (pre.inFlightRollback) {
    const what = pre.inFlightRollback.kind === "REHEARSAL" ? "a rehearsal operation" : "a rollback";
    return `${what} is in flight (${pre.inFlightRollback.id}, ${pre.inFlightRollback.status})`;
  }
  if (pre.state === "ROLLING_BACK") return "the deployment is rolling back";
  if (pre.breachedPolicy) return `the canary is below its floor (${pre.breachedPolicy.metric})`;
  if (pre.state === "FROZEN") return "the deployment is frozen";
  if (pre.liveVersion === null) return "nothing is live to rehearse with";
  if (pre.priorVersion === null) return "there is no prior pinned version to roll back to";
  return null;
}
