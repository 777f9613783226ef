// One incident timeline from three records: the typed timestamps (with those corrected by hand
// marked), the rollback's persisted steps, and the audit log of the incident's objects.
import { formatNumber } from "@/lib/format-number";
import type { IncidentTimestamps } from "@/lib/incidents/timings";
import { TIMELINE_ORDER, TIMESTAMP_LABELS, type TimestampField } from "./durations";

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
    /** What the step recorded; a traffic shift says when the split took effect (`appliedAt`). */
    readonly detail: unknown;
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

/** The audit events that record a typed timestamp's moment: that moment gets one line, with who. */
const TIMESTAMP_AUDIT_ACTIONS: Partial<Record<TimestampField, string>> = {
  detectedAt: "detection.created",
  rollbackRequestedAt: "rollback.requested",
  approvedAt: "rollback.approved",
  completedAt: "rollback.completed",
};
/** Whose name a timestamp's line carries: people decide requests and approvals; the rest is the system. */
const NAMED_ACTOR: ReadonlySet<TimestampField> = new Set(["rollbackRequestedAt", "approvedAt"]);
/** Each step's own audit event repeats the step's line. */
const isStepAudit = (action: string) => action.startsWith("rollback.step_");
// A level change has its own line from the change record; its audit events would repeat it.
const isDegradationAudit = (action: string) => action.startsWith("degradation.");

/**
 * When the step's change happened: a traffic shift when the split took effect (its dwell comes
 * after), any other step when it finished.
 */
function stepTime(step: NonNullable<TimelineInput["steps"]>[number]): Date | null {
  const applied = (step.detail as { appliedAt?: unknown } | null)?.appliedAt;
  if (step.name === "shift_traffic" && typeof applied === "string" && !Number.isNaN(Date.parse(applied))) return new Date(applied);
  return step.finishedAt ?? step.startedAt;
}

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
    return `${base}: ${detection.metric} held below the floor ${formatNumber(detection.floorValue)} (${detection.floorSource})`;
  }
  return base;
}

/**
 * One line per event, at the time it happened, in time order; at equal times the incident's own
 * order (timestamps, steps, audit) holds. An audit event that records a step or a typed
 * timestamp is folded into that line rather than repeated.
 */
export function assembleTimeline(input: TimelineInput): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  const audit = input.auditEvents ?? [];
  const folded = new Set<string>();
  for (const field of TIMELINE_ORDER) {
    const at = input.timestamps[field];
    if (!at || Number.isNaN(at.getTime())) continue;
    const correction = input.corrections?.get(field);
    const action = TIMESTAMP_AUDIT_ACTIONS[field];
    if (action) folded.add(action);
    const recorded = audit.find((event) => event.action === action);
    const by = recorded && NAMED_ACTOR.has(field) ? ` by ${recorded.actorLabel}` : "";
    entries.push({ at, source: "timestamp", description: `${timestampDescription(field, input.detection)}${by}`, ...(correction ? { correction } : {}) });
  }
  for (const step of input.steps ?? []) {
    const at = stepTime(step);
    if (at) entries.push({ at, source: "step", description: stepDescription(step) });
  }
  for (const change of input.degradations ?? []) entries.push({ at: change.at, source: "degradation", description: change.description });
  for (const event of audit) {
    if (isStepAudit(event.action) || folded.has(event.action) || isDegradationAudit(event.action)) continue;
    entries.push({ at: event.at, source: "audit", description: `${event.action} by ${event.actorLabel}` });
  }
  return entries.sort((a, b) => a.at.getTime() - b.at.getTime());
}
