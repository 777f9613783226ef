// Whether an incident met its deployment's rollback SLO (the target recorded on its rollback when
// it was requested). Pure, computed from the same durations the postmortem shows.
import { formatDuration } from "@/lib/format-duration";
import type { IncidentTimings } from "@/lib/incidents/timings";

export interface SloCheck {
  readonly targetMs: number;
  readonly actualMs: number | null;
  /** null while the duration cannot be computed (a timestamp is missing). */
  readonly met: boolean | null;
}

export interface IncidentSlo {
  readonly rollback: SloCheck | null;
  readonly detect: SloCheck | null;
}

const check = (targetSeconds: number | null, actualMs: number | null): SloCheck | null =>
  targetSeconds === null ? null : { targetMs: targetSeconds * 1000, actualMs, met: actualMs === null ? null : actualMs <= targetSeconds * 1000 };

export function incidentSlo(durations: IncidentTimings, slo: { rollbackSeconds: number | null; detectSeconds: number | null }): IncidentSlo {
  return { rollback: check(slo.rollbackSeconds, durations.timeToRollbackMs), detect: check(slo.detectSeconds, durations.timeToDetectMs) };
}

/** One sentence per target, e.g. "Rollback SLO met: rolled back in 3m 10s against a 5m target." */
export function describeIncidentSlo(slo: IncidentSlo): string[] {
  return sloLines(slo).map((line) => line.text);
}

/** Each target's verdict (met, missed, or null when unset or not measurable) and its sentence. */
export function sloLines(slo: IncidentSlo): { met: boolean | null; text: string }[] {
  const line = (name: string, verb: string, c: SloCheck | null) => ({ met: c?.met ?? null, text: sentence(name, verb, c) });
  return [line("Rollback", "rolled back", slo.rollback), ...(slo.detect === null ? [] : [line("Detection", "detected", slo.detect)])];
}

function sentence(name: string, verb: string, c: SloCheck | null): string {
  if (c === null) return `${name} SLO: no target was set.`;
  if (c.met === null) return `${name} SLO: not measurable (a timestamp is missing); the target was ${formatDuration(c.targetMs)}.`;
  return `${name} SLO ${c.met ? "met" : "missed"}: ${verb} in ${formatDuration(c.actualMs)} against a ${formatDuration(c.targetMs)} target.`;
}
