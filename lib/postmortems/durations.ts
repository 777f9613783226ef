// Durations are always computed from the typed timestamps, never typed in, so a corrected
// timestamp corrects every figure derived from it.

export interface IncidentTimestamps {
  readonly badVersionLiveFrom?: Date | null;
  readonly impactStartedAt?: Date | null;
  readonly detectedAt?: Date | null;
  readonly rollbackRequestedAt?: Date | null;
  readonly approvedAt?: Date | null;
  readonly completedAt?: Date | null;
}

export type TimestampField = keyof IncidentTimestamps;

export const TIMESTAMP_LABELS: Readonly<Record<TimestampField, string>> = {
  badVersionLiveFrom: "bad version went live",
  impactStartedAt: "impact started",
  detectedAt: "detected",
  rollbackRequestedAt: "rollback requested",
  approvedAt: "approved",
  completedAt: "rollback completed",
};

/** The order an incident happens in; the bad version must be live before it can do harm. */
export const TIMELINE_ORDER: readonly TimestampField[] = [
  "badVersionLiveFrom",
  "impactStartedAt",
  "detectedAt",
  "rollbackRequestedAt",
  "approvedAt",
  "completedAt",
];

export interface IncidentDurations {
  readonly timeToDetectMs: number | null;
  readonly timeToDecideMs: number | null;
  readonly timeToExecuteMs: number | null;
  /** From detection to completion; from the request when detection was not recorded. */
  readonly timeToRollbackMs: number | null;
  /** How long users could be served by the bad version. */
  readonly exposureWindowMs: number | null;
}

function validTime(date: Date | null | undefined): number | null {
  if (!date) return null;
  const ms = date.getTime();
  return Number.isNaN(ms) ? null : ms;
}

function between(from: Date | null | undefined, to: Date | null | undefined): number | null {
  const start = validTime(from);
  const end = validTime(to);
  return start === null || end === null ? null : end - start;
}

export function incidentDurations(ts: IncidentTimestamps): IncidentDurations {
  const rollbackStart = validTime(ts.detectedAt) !== null ? ts.detectedAt : ts.rollbackRequestedAt;
  return {
    timeToDetectMs: between(ts.impactStartedAt, ts.detectedAt),
    timeToDecideMs: between(ts.rollbackRequestedAt, ts.approvedAt),
    timeToExecuteMs: between(ts.approvedAt, ts.completedAt),
    timeToRollbackMs: between(rollbackStart, ts.completedAt),
    exposureWindowMs: between(ts.badVersionLiveFrom, ts.completedAt),
  };
}

export type TimelineWarning =
  | {
      readonly kind: "out_of_order";
      readonly earlier: TimestampField;
      readonly later: TimestampField;
      readonly message: string;
    }
  | { readonly kind: "invalid"; readonly field: TimestampField; readonly message: string };

/**
 * Warnings, not errors: a postmortem is written from imperfect records and may be saved with
 * them, but the reader should see which pair disagrees. Each recorded time is compared with
 * the nearest recorded time before it, so one wrong timestamp yields one warning rather than a
 * cascade, and any disorder at all yields at least one.
 */
export function validateTimelineOrder(ts: IncidentTimestamps): TimelineWarning[] {
  const warnings: TimelineWarning[] = [];
  let previous: { field: TimestampField; ms: number } | null = null;
  for (const field of TIMELINE_ORDER) {
    const value = ts[field];
    if (!value) continue;
    const ms = validTime(value);
    if (ms === null) {
      warnings.push({ kind: "invalid", field, message: `${TIMESTAMP_LABELS[field]} is not a valid time` });
      continue;
    }
    if (previous !== null && ms < previous.ms) {
      warnings.push({
        kind: "out_of_order",
        earlier: previous.field,
        later: field,
        message:
          `${TIMESTAMP_LABELS[field]} (${value.toISOString()}) is before ` +
          `${TIMESTAMP_LABELS[previous.field]} (${new Date(previous.ms).toISOString()})`,
      });
    }
    previous = { field, ms };
  }
  return warnings;
}
