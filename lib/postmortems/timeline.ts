// One incident timeline from three records: the typed timestamps (with those corrected by hand
// marked), the rollback's persisted steps, and the audit log of the incident's objects.
import { TIMELINE_ORDER, TIMESTAMP_LABELS, type IncidentTimestamps, type TimestampField } from "./durations";

export type TimelineSource = "timestamp" | "step" | "audit" | "degradation";

export interface TimelineEntry {
  readonly at: Date;
  readonly source: TimelineSource;
  readonly description: string;
  /** Set for a timestamp corrected after the fact: who corrected it and why. */
  readonly correction?: { readonly by: string; readonly reason: string };
}

export interface TimelineInput {
  readonly timestamps: IncidentTimestamps;
  readonly detection?: { readonly metric: string; readonly floorValue: number; readonly floorSource: string } | null;
  /** Latest correction per field. */
  readonly corrections?: ReadonlyMap<TimestampField, { readonly by: string; readonly reason: string }>;
  readonly steps?: readonly {
    readonly name: string;
    readonly status: string;
    readonly params: unknown;
    readonly startedAt: Date | null;
    readonly finishedAt: Date | null;
    readonly error: string | null;
  }[];
  readonly auditEvents?: readonly { readonly at: Date; readonly action: string; readonly actorLabel: string }[];
  /** Level changes of the deployment during the incident: who degraded it, to what, and why. */
  readonly degradations?: readonly { readonly at: Date; readonly description: string }[];
}

const STEP_LABELS: Readonly<Record<string, string>> = {
  preflight: "Preflight checks",
  restore_manifest: "Prior manifest restored",
  pin_prior: "Prior version pinned",
  shift_traffic: "Traffic shifted",
  invalidate_consumers: "Consumers invalidated",
  verify: "Serving status verified",
};

function stepDescription(step: NonNullable<TimelineInput["steps"]>[number]): string {
  const params = (step.params ?? {}) as { percent?: number; leg?: string };
  const label = STEP_LABELS[step.name] ?? step.name;
  const detail = step.name === "shift_traffic" && typeof params.percent === "number" ? ` to ${params.percent}%` : "";
  const leg = params.leg === "forward" ? " (forward leg)" : "";
  const outcome = step.status === "SUCCEEDED" ? "" : ` — ${step.status.toLowerCase()}${step.error ? `: ${step.error}` : ""}`;
  return `${label}${detail}${leg}${outcome}`;
}

function timestampDescription(field: TimestampField, detection: TimelineInput["detection"]): string {
  const label = TIMESTAMP_LABELS[field];
  const base = label.charAt(0).toUpperCase() + label.slice(1);
  if (detection && field === "impactStartedAt") return `${base}: ${detection.metric} began its sustained breach`;
  if (detection && field === "detectedAt") {
    return `${base}: ${detection.metric} held below the floor ${detection.floorValue} (${detection.floorSource})`;
  }
  return base;
}

/** Entries in time order; at equal times the incident's own order (timestamps, steps, audit) holds. */
export function assembleTimeline(input: TimelineInput): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const field of TIMELINE_ORDER) {
    const at = input.timestamps[field];
    if (!at || Number.isNaN(at.getTime())) continue;
    const correction = input.corrections?.get(field);
    entries.push({ at, source: "timestamp", description: timestampDescription(field, input.detection), ...(correction ? { correction } : {}) });
  }
  for (const step of input.steps ?? []) {
    const at = step.finishedAt ?? step.startedAt;
    if (at) entries.push({ at, source: "step", description: stepDescription(step) });
  }
  for (const change of input.degradations ?? []) entries.push({ at: change.at, source: "degradation", description: change.description });
  for (const event of input.auditEvents ?? []) {
    entries.push({ at: event.at, source: "audit", description: `${event.action} by ${event.actorLabel}` });
  }
  return entries.sort((a, b) => a.at.getTime() - b.at.getTime());
}
