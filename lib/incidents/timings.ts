// The one definition of an incident's times (time to detect, time to roll back, …) and the one
// place they are computed. Rollback pages, postmortems, analytics and webhooks all read them
// from here, from one set of timestamps per incident, so an incident has one TTR everywhere.

/** What each figure measures, in words: the UI's help text and the OpenAPI descriptions. */
export const TIMING_DEFINITIONS = {
  timeToDetectMs:
    "Time to detect (TTD): from when the regression began (the first point of the sustained canary breach, or the impact start recorded on the postmortem) to when it was detected.",
  timeToDecideMs: "Time to decide: from the rollback request to its approval.",
  timeToExecuteMs: "Time to execute: from the approval to the rollback's completion.",
  timeToRollbackMs:
    "Time to roll back (TTR): from detection to the rollback's completion; from the rollback request when no detection time is recorded.",
  exposureWindowMs: "Exposure window: from the bad version going live to the rollback's completion.",
} as const;

/** An incident's timestamps, as its postmortem records them (possibly corrected by hand). */
export interface IncidentTimestamps {
  readonly badVersionLiveFrom?: Date | null;
  readonly impactStartedAt?: Date | null;
  readonly detectedAt?: Date | null;
  readonly rollbackRequestedAt?: Date | null;
  readonly approvedAt?: Date | null;
  readonly completedAt?: Date | null;
}

export type IncidentTimings = { readonly [K in keyof typeof TIMING_DEFINITIONS]: number | null };

/** Epoch ms, or null for a missing or invalid date. */
export function validTime(date: Date | null | undefined): number | null {
  if (!date) return null;
  const ms = date.getTime();
  return Number.isNaN(ms) ? null : ms;
}

function between(from: Date | null | undefined, to: Date | null | undefined): number | null {
  const start = validTime(from);
  const end = validTime(to);
  return start === null || end === null ? null : end - start;
}

/** Every figure from the timestamps; null wherever an end is unknown, negative when out of order. */
export function incidentTimings(ts: IncidentTimestamps): IncidentTimings {
  const rollbackStart = validTime(ts.detectedAt) !== null ? ts.detectedAt : ts.rollbackRequestedAt;
  return {
    timeToDetectMs: between(ts.impactStartedAt, ts.detectedAt),
    timeToDecideMs: between(ts.rollbackRequestedAt, ts.approvedAt),
    timeToExecuteMs: between(ts.approvedAt, ts.completedAt),
    timeToRollbackMs: between(rollbackStart, ts.completedAt),
    exposureWindowMs: between(ts.badVersionLiveFrom, ts.completedAt),
  };
}

/** A rollback operation as the database holds it, with its detection and postmortem when there are. */
export interface IncidentRecord {
  /** Absent for a detection that no rollback answered (yet). */
  readonly requestedAt?: Date | null;
  readonly approvedAt?: Date | null;
  readonly completedAt?: Date | null;
  readonly detection?: { readonly regressionStartedAt: Date; readonly detectedAt: Date } | null;
  readonly postmortem?: IncidentTimestamps | null;
}

/**
 * The incident's one set of timestamps. The postmortem's win where it has them: it starts as a
 * copy of the rollback's and detection's, and a person may correct it (a detection reported by
 * hand, an impact that began before the canary noticed). What it does not record comes from the
 * rollback and its detection.
 */
export function incidentTimestampsOf(record: IncidentRecord): IncidentTimestamps {
  const pm = record.postmortem ?? {};
  const detection = record.detection ?? null;
  return {
    badVersionLiveFrom: pm.badVersionLiveFrom ?? null,
    impactStartedAt: pm.impactStartedAt ?? detection?.regressionStartedAt ?? null,
    detectedAt: pm.detectedAt ?? detection?.detectedAt ?? null,
    rollbackRequestedAt: pm.rollbackRequestedAt ?? record.requestedAt ?? null,
    approvedAt: pm.approvedAt ?? record.approvedAt ?? null,
    completedAt: pm.completedAt ?? record.completedAt ?? null,
  };
}

/** Shorthand: the figures of one rollback, read through its postmortem when it has one. */
export const timingsOfRollback = (record: IncidentRecord): IncidentTimings => incidentTimings(incidentTimestampsOf(record));

/** The Prisma selection of a postmortem's timestamps, for `IncidentRecord.postmortem`. */
export const POSTMORTEM_TIMESTAMP_SELECT = {
  badVersionLiveFrom: true,
  impactStartedAt: true,
  detectedAt: true,
  rollbackRequestedAt: true,
  approvedAt: true,
  completedAt: true,
} as const;
