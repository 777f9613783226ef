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

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "8m 42s", "6h 2m", "2d 3h": the two largest units, truncated, a zero second unit dropped. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "—";
  const sign = ms < 0 ? "-" : "";
  const abs = Math.abs(ms);
  if (abs === 0) return "0s";
  if (abs < SECOND) return `${sign}<1s`;

  const pair = (major: number, majorUnit: string, minor: number, minorUnit: string) =>
    minor === 0 ? `${sign}${major}${majorUnit}` : `${sign}${major}${majorUnit} ${minor}${minorUnit}`;

  if (abs < MINUTE) return `${sign}${Math.floor(abs / SECOND)}s`;
  if (abs < HOUR) return pair(Math.floor(abs / MINUTE), "m", Math.floor((abs % MINUTE) / SECOND), "s");
  if (abs < DAY) return pair(Math.floor(abs / HOUR), "h", Math.floor((abs % HOUR) / MINUTE), "m");
  return pair(Math.floor(abs / DAY), "d", Math.floor((abs % DAY) / HOUR), "h");
}
