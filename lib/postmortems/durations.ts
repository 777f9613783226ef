// The typed timestamps of an incident, their labels and order. Durations are computed from them
// in lib/incidents/timings.ts, never typed in, so a corrected timestamp corrects every figure.
import { validTime, type IncidentTimestamps } from "@/lib/incidents/timings";

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
