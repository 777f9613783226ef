// Whether a deployment's way back is known to work, from its rehearsal history. Pure, so the
// badge, the API and the tests agree on one rule.

export type RehearsalStatus = "RUNNING" | "PASSED" | "FAILED" | "REFUSED";

export interface RehearsalSummary {
  readonly status: RehearsalStatus;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly failureReason: string | null;
}

export type ReadinessTone = "ok" | "bad" | "warn" | "info" | "neutral";

export interface Readiness {
  readonly tone: ReadinessTone;
  readonly label: string;
  readonly reason: string;
  readonly lastPassedAt: Date | null;
}

/** A pass older than two missed weekly windows no longer says much about today. */
export const STALE_AFTER_MS = 15 * 86_400_000;

/**
 * The newest finished rehearsal decides: a failure is red with its reason until a later one
 * passes. A refusal proved nothing either way, so it does not change the verdict, but is named.
 */
export function rehearsalReadiness(history: readonly RehearsalSummary[], now: Date): Readiness {
  const newestFirst = [...history].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
  const lastPassed = newestFirst.find((r) => r.status === "PASSED") ?? null;
  const lastPassedAt = lastPassed ? (lastPassed.finishedAt ?? lastPassed.startedAt) : null;
  const running = newestFirst.find((r) => r.status === "RUNNING");
  if (running) return { tone: "info", label: "rehearsing", reason: "a rehearsal is running now", lastPassedAt };
  const decided = newestFirst.find((r) => r.status === "PASSED" || r.status === "FAILED");
  if (decided?.status === "FAILED") {
    return {
      tone: "bad",
      label: "rehearsal failed",
      reason: decided.failureReason ?? "the last rehearsal did not complete",
      lastPassedAt,
    };
  }
  const refused = newestFirst[0]?.status === "REFUSED" ? newestFirst[0] : null;
  if (!decided) {
    return refused
      ? { tone: "warn", label: "never rehearsed", reason: `the only attempt was refused: ${refused.failureReason ?? "no reason recorded"}`, lastPassedAt }
      : { tone: "neutral", label: "never rehearsed", reason: "no rehearsal has run yet", lastPassedAt };
  }
  if (lastPassedAt && now.getTime() - lastPassedAt.getTime() > STALE_AFTER_MS) {
    return { tone: "warn", label: "rehearsal stale", reason: "the last pass is more than two weeks old", lastPassedAt };
  }
  return {
    tone: "ok",
    label: "ready",
    reason: refused ? `last rehearsal passed; the latest attempt was refused: ${refused.failureReason ?? ""}`.trim() : "the last rehearsal passed",
    lastPassedAt,
  };
}
