import { z } from "zod";

// Graduated degradation: the levels between "all fine" and "roll back". The names are fixed so
// policies, the API and every serving plane agree on them; what each level means on a given
// deployment (which capabilities `reduced` turns off, who answers at `fallback`, what `off` says)
// is the serving plane's to declare (`GET /v1/health` → `degradation.levels`).

export const DEGRADATION_LEVELS = ["normal", "reduced", "fallback", "off"] as const;
export type DegradationLevel = (typeof DEGRADATION_LEVELS)[number];
/** The levels short of normal: the ones a serving plane declares and a policy may shed load to. */
export const DEGRADED_LEVELS = ["reduced", "fallback", "off"] as const satisfies readonly DegradationLevel[];
export type DegradedLevel = (typeof DEGRADED_LEVELS)[number];

export const degradationLevelSchema = z.enum(DEGRADATION_LEVELS, { error: `level must be one of ${DEGRADATION_LEVELS.join(", ")}` });

/** What a level means in general, for when the serving plane has not said (or cannot be reached). */
export const DEGRADATION_LEVEL_SUMMARY: Readonly<Record<DegradationLevel, string>> = {
  normal: "everything on: the live version answers with all its capabilities",
  reduced: "optional capabilities off (e.g. tool use, long context)",
  fallback: "answers served by a named fallback (the prior version, a smaller model or a rules path)",
  off: "a fixed response; no model answers",
};

/** One level as a serving plane declares it. */
export interface DegradationLevelInfo {
  level: DegradedLevel;
  /** What serving at this level means, in the plane's words. */
  description: string;
  /** For `reduced`: the optional capabilities it turns off, as the plane names them. */
  disables?: string[];
  /** For `fallback`: who answers, e.g. "prior version" or "rules path". */
  fallback?: string;
}

/** The level a deployment is served at, as the serving plane reports it in its status. */
export interface DegradationStatus {
  level: DegradationLevel;
  reason: string | null;
  /** When the level was set (ISO); null while normal since the deployment began. */
  since: string | null;
  /** Who answers at this level, e.g. "v13 (prior version)"; null at normal. */
  servedBy: string | null;
}

/** How far from normal a level is, so "more degraded" can be compared. */
export const degradationRank = (level: DegradationLevel) => DEGRADATION_LEVELS.indexOf(level);
