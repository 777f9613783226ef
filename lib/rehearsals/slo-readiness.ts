// The rollback SLO applied to readiness. Pure, so the badge, the API and the tests agree: the last
// rehearsal's time to roll back (its back leg) against the deployment's target.
import { formatDuration } from "@/lib/format-duration";
import type { Readiness } from "./readiness";

/** Above this share of the target, readiness warns: the way back works, but with little margin. */
export const SLO_WARN_SHARE = 0.8;

export interface LastRehearsalTiming {
  readonly status: "PASSED" | "FAILED";
  /** Time to roll back: the rehearsal's back leg, first step started to last step finished. */
  readonly backLegMs: number | null;
}

export interface SloUse {
  readonly targetMs: number;
  readonly ttrMs: number;
  /** ttr / target: 1 is exactly on target. */
  readonly share: number;
  readonly verdict: "met" | "tight" | "missed";
}

export function sloUse(targetSeconds: number, ttrMs: number): SloUse {
  const targetMs = targetSeconds * 1000;
  const share = ttrMs / targetMs;
  return { targetMs, ttrMs, share, verdict: share > 1 ? "missed" : share > SLO_WARN_SHARE ? "tight" : "met" };
}

/**
 * Readiness with the rollback SLO: red when the last rehearsal took longer to roll back than the
 * target, amber when it used more than 80 % of it, each with the reason. A verdict that is already
 * red (a failed rehearsal) or running stays as it is; no target, or no timing, changes nothing.
 */
export function withRollbackSlo(base: Readiness, sloRollbackSeconds: number | null, last: LastRehearsalTiming | null): Readiness & { slo: SloUse | null } {
  if (sloRollbackSeconds === null || last === null || last.status !== "PASSED" || last.backLegMs === null) return { ...base, slo: null };
  const use = sloUse(sloRollbackSeconds, last.backLegMs);
  if (base.tone === "bad" || base.tone === "info") return { ...base, slo: use };
  const took = `the last rehearsal rolled back in ${formatDuration(use.ttrMs)}`;
  const target = `the ${formatDuration(use.targetMs)} rollback SLO`;
  if (use.verdict === "missed") return { ...base, tone: "bad", label: "over SLO", reason: `${took}, over ${target}`, slo: use };
  if (use.verdict === "tight") return { ...base, tone: "warn", label: "near SLO", reason: `${took}: ${Math.round(use.share * 100)} % of ${target}`, slo: use };
  return { ...base, reason: `${base.reason}; rolled back in ${formatDuration(use.ttrMs)} (${Math.round(use.share * 100)} % of ${target})`, slo: use };
}
