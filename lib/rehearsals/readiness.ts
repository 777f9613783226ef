// Whether a deployment's way back is known to work, from its rehearsal history. Pure, so the
// badge, the API and the tests agree on one rule.

export type RehearsalStatus = "RUNNING" | "PASSED" | "FAILED" | "REFUSED";

/** The way back a rehearsal exercised: from the live version to its prior. */
export interface RehearsalPair {
  readonly live: string | null;
  readonly prior: string | null;
}

export interface RehearsalSummary {
  readonly status: RehearsalStatus;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly failureReason: string | null;
  /** Null for a rehearsal whose pair was not recorded. */
  readonly pair: RehearsalPair | null;
}

/** Today's pair, and since when it holds (when the live version went live, last). */
export interface CurrentPair extends RehearsalPair {
  readonly since: Date | null;
}

export type ReadinessTone = "ok" | "bad" | "warn" | "info" | "neutral";

export interface Readiness {
  readonly tone: ReadinessTone;
  readonly label: string;
  readonly reason: string;
  /** The last pass of today's pair; a pass of another pair does not count. */
  readonly lastPassedAt: Date | null;
  /** Set when the newest decided rehearsal covered another pair than today's. */
  readonly lastOtherPair: { readonly pair: string; readonly status: "PASSED" | "FAILED"; readonly at: Date } | null;
}

/** A pass older than two missed weekly windows no longer says much about today. */
export const STALE_AFTER_MS = 15 * 86_400_000;

export const describePair = (pair: RehearsalPair) => `${pair.live ?? "nothing"} → ${pair.prior ?? "nothing"}`;

/** Whether a rehearsal exercised today's pair since the live version last went live. */
export const coversPair = (r: Pick<RehearsalSummary, "pair" | "startedAt">, current: CurrentPair) =>
  r.pair !== null &&
  r.pair.live === current.live &&
  r.pair.prior === current.prior &&
  (current.since === null || r.startedAt.getTime() >= current.since.getTime());

const isDecided = (r: RehearsalSummary): r is RehearsalSummary & { status: "PASSED" | "FAILED" } => r.status === "PASSED" || r.status === "FAILED";

/**
 * Readiness of today's pair (live → prior). Only a rehearsal of that pair since the live version
 * last went live counts; one of another pair is named but proves nothing about today's way back.
 * Among those, the newest finished one decides: a failure is red with its reason until a later
 * one passes. A refusal proved nothing either way, so it does not change the verdict, but is named.
 */
export function rehearsalReadiness(history: readonly RehearsalSummary[], now: Date, current: CurrentPair): Readiness {
  const newestFirst = [...history].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
  const covers = (r: RehearsalSummary) => coversPair(r, current);
  const relevant = newestFirst.filter(covers);
  const lastPassed = relevant.find((r) => r.status === "PASSED") ?? null;
  const lastPassedAt = lastPassed ? (lastPassed.finishedAt ?? lastPassed.startedAt) : null;
  const newestDecided = newestFirst.find(isDecided);
  const lastOtherPair =
    newestDecided && !covers(newestDecided)
      ? { pair: newestDecided.pair ? describePair(newestDecided.pair) : "an unrecorded pair", status: newestDecided.status, at: newestDecided.finishedAt ?? newestDecided.startedAt }
      : null;
  const result = (tone: ReadinessTone, label: string, reason: string): Readiness => ({ tone, label, reason, lastPassedAt, lastOtherPair });

  const running = newestFirst.find((r) => r.status === "RUNNING");
  if (running) return result("info", "rehearsing", "a rehearsal is running now");
  const decided = relevant.find(isDecided);
  if (decided?.status === "FAILED") return result("bad", "rehearsal failed", decided.failureReason ?? "the last rehearsal did not complete");
  const refused = relevant[0]?.status === "REFUSED" ? relevant[0] : null;
  if (!decided) {
    if (lastOtherPair) {
      return result("warn", "not rehearsed", `${describePair(current)} has not been rehearsed; the last rehearsal ${lastOtherPair.status === "PASSED" ? "passed" : "failed"} on ${lastOtherPair.pair}`);
    }
    return refused
      ? result("warn", "never rehearsed", `the only attempt was refused: ${refused.failureReason ?? "no reason recorded"}`)
      : result("neutral", "never rehearsed", "no rehearsal has run yet");
  }
  if (lastPassedAt && now.getTime() - lastPassedAt.getTime() > STALE_AFTER_MS) {
    return result("warn", "rehearsal stale", "the last pass is more than two weeks old");
  }
  return result("ok", "ready", refused ? `last rehearsal passed; the latest attempt was refused: ${refused.failureReason ?? ""}`.trim() : "the last rehearsal passed");
}
