import type { HealthView } from "./schemas";

export type HealthInput = {
  state: "STABLE" | "ROLLING_BACK" | "FROZEN";
  liveVersion: string | null;
  priorVersion: string | null;
  /** The newest unresolved canary detection, if any. */
  openDetection: { metric: string; version: string } | null;
  /** A rollback requested but not finished (awaiting approval, approved or executing). */
  pendingRollback: { toVersion: string; status: string } | null;
  lastRehearsal: { status: "RUNNING" | "PASSED" | "FAILED" | "REFUSED" } | null;
};

/**
 * One badge per deployment, most urgent first: a regression in production, then a rollback
 * under way, then anything that would make the next rollback fail or impossible.
 */
export function deploymentHealth(input: HealthInput): HealthView {
  if (input.openDetection) {
    return {
      tone: "bad",
      label: "regression",
      reason: `${input.openDetection.metric} fell below its floor on ${input.openDetection.version}`,
    };
  }
  if (input.state === "ROLLING_BACK") {
    return { tone: "warn", label: "rolling back", reason: `returning to ${input.priorVersion ?? "the prior version"}` };
  }
  if (input.pendingRollback) {
    return {
      tone: "warn",
      label: "rollback requested",
      reason: `a rollback to ${input.pendingRollback.toVersion} is ${input.pendingRollback.status.toLowerCase().replace("_", " ")}`,
    };
  }
  if (input.liveVersion === null) return { tone: "neutral", label: "nothing live", reason: "no version has been promoted yet" };
  if (input.state === "FROZEN") return { tone: "warn", label: "frozen", reason: "promotions and rollbacks are paused" };
  if (input.priorVersion === null) {
    return { tone: "warn", label: "no rollback target", reason: "no prior pinned version to roll back to" };
  }
  if (input.lastRehearsal && (input.lastRehearsal.status === "FAILED" || input.lastRehearsal.status === "REFUSED")) {
    return { tone: "warn", label: "rehearsal failed", reason: "the last rollback rehearsal did not pass" };
  }
  return { tone: "ok", label: "healthy", reason: `${input.liveVersion} live, ${input.priorVersion} ready to restore` };
}
