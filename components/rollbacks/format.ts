import type { Tone } from "@/components/ui/badge";
import { formatDuration } from "@/lib/format-duration";

export const STATUS_TONE: Record<string, Tone> = {
  REQUESTED: "info",
  AWAITING_APPROVAL: "warn",
  APPROVED: "info",
  EXECUTING: "info",
  COMPLETED: "ok",
  REJECTED: "neutral",
  CANCELLED: "neutral",
  FAILED: "bad",
};

export const STEP_TONE: Record<string, Tone> = { PENDING: "neutral", RUNNING: "info", SUCCEEDED: "ok", SKIPPED: "neutral", FAILED: "bad" };

const STEP_LABELS: Record<string, string> = {
  preflight: "Preflight checks",
  restore_manifest: "Restore state manifest",
  pin_prior: "Pin version",
  shift_traffic: "Move traffic",
  invalidate_consumers: "Invalidate consumers",
  verify: "Verify serving status",
};

export function stepLabel(step: { name: string; percent: number | null; dwellSeconds: number | null }): string {
  const base = STEP_LABELS[step.name] ?? step.name;
  if (step.name !== "shift_traffic" || step.percent === null) return base;
  return `${base} to ${step.percent}%${step.dwellSeconds ? `, watch ${formatDuration(step.dwellSeconds * 1000)}` : ""}`;
}
