import type { HealthView } from "./schemas";

/** A rollback policy whose last evaluation gave no verdict: no data, or the evaluation failed. */
export type SilentCanary = {
  metric: string;
  verdict: "no_data" | "error";
  /** When the policy's verdict turned to this (ISO). */
  since: string;
  reason: string | null;
};

export type HealthInput = {
  state: "STABLE" | "ROLLING_BACK" | "FROZEN";
  liveVersion: string | null;
  priorVersion: string | null;
  /** The newest unresolved canary detection, if any. */
  openDetection: { metric: string; version: string } | null;
  /** A rollback requested but not finished (awaiting approval, approved or executing). */
  pendingRollback: { toVersion: string; status: string } | null;
  lastRehearsal: { status: "RUNNING" | "PASSED" | "FAILED" | "REFUSED" } | null;
  /** The longest-silent policy of the live version, if any policy is silent. */
  silentCanary: SilentCanary | null;
};

const SILENT_VERDICTS: ReadonlySet<string> = new Set(["no_data", "error"]);

/**
 * Of the deployment's policies, the one silent the longest (no data or an evaluation error), if
 * any. A verdict about another version (the one live before a promotion) is not about today.
 */
export function silentCanaryOf(
  policies: readonly { metric: string; lastVerdict: string | null; lastVerdictSince: Date | null; lastEvaluatedAt: Date | null; lastStats: unknown }[],
  liveVersion: string | null,
): SilentCanary | null {
  const statsOf = (p: { lastStats: unknown }) => (p.lastStats ?? {}) as { reason?: unknown; version?: unknown };
  const silent = policies
    .filter((p) => p.lastVerdict !== null && SILENT_VERDICTS.has(p.lastVerdict))
    .filter((p) => typeof statsOf(p).version !== "string" || statsOf(p).version === liveVersion)
    .map((p) => {
      const stats = statsOf(p);
      const reason = typeof stats.reason === "string" ? stats.reason : null;
      const since = p.lastVerdictSince ?? p.lastEvaluatedAt ?? new Date(0);
      return { metric: p.metric, verdict: p.lastVerdict as SilentCanary["verdict"], since: since.toISOString(), reason };
    })
    .sort((a, b) => a.since.localeCompare(b.since));
  return silent[0] ?? null;
}

/**
 * The deployment's one state, most urgent first: a regression in production, then a rollback
 * under way, then a canary that stopped giving verdicts (we are blind, so never "healthy"),
 * then anything that would make the next rollback fail or impossible.
 */
export function deploymentHealth(input: HealthInput): HealthView {
  const view = (tone: HealthView["tone"], label: string, reason: string, since: string | null = null): HealthView => ({ tone, label, reason, since });
  if (input.openDetection) {
    return view("bad", "regression", `${input.openDetection.metric} fell below its floor on ${input.openDetection.version}`);
  }
  if (input.state === "ROLLING_BACK") return view("warn", "rolling back", `returning to ${input.priorVersion ?? "the prior version"}`);
  if (input.pendingRollback) {
    return view("warn", "rollback requested", `a rollback to ${input.pendingRollback.toVersion} is ${input.pendingRollback.status.toLowerCase().replace("_", " ")}`);
  }
  if (input.liveVersion === null) return view("neutral", "nothing live", "no version has been promoted yet");
  const silent = input.silentCanary;
  if (silent) {
    const why = silent.reason ? `: ${silent.reason}` : "";
    const reason =
      silent.verdict === "error"
        ? `evaluating ${silent.metric} for ${input.liveVersion} failed${why}`
        : `no verdict on ${silent.metric} for ${input.liveVersion}${why}`;
    return view("bad", "canary not reporting", reason, silent.since);
  }
  if (input.state === "FROZEN") return view("warn", "frozen", "promotions and rollbacks are paused");
  if (input.priorVersion === null) return view("warn", "no rollback target", "no prior pinned version to roll back to");
  if (input.lastRehearsal && (input.lastRehearsal.status === "FAILED" || input.lastRehearsal.status === "REFUSED")) {
    return view("warn", "rehearsal failed", "the last rollback rehearsal did not pass");
  }
  return view("ok", "healthy", `${input.liveVersion} live, ${input.priorVersion} ready to restore`);
}
