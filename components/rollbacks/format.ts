import type { Tone } from "@/components/ui/badge";

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

/** `850 ms`, `4.2 s`, `9 m 12 s`, `3 h 4 m`; a dash when unknown. */
export function formatDurationMs(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} m ${Math.round((ms % 60_000) / 1_000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} m`;
}

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
  return `${base} to ${step.percent}%${step.dwellSeconds ? `, watch ${step.dwellSeconds} s` : ""}`;
}
