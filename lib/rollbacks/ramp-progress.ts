// Where a running rollback's traffic is now and how long the current stage is still watched,
// read from its persisted steps. Pure, so the live view can recompute it every second.

type Step = {
  name: string;
  leg: "back" | "forward";
  percent: number | null;
  dwellSeconds: number | null;
  status: string;
  detail: Record<string, unknown> | null;
};

export type TrafficShare = { version: string; percent: number };

const appliedAt = (step: Step): number | null => {
  const at = step.detail?.appliedAt;
  const ms = typeof at === "string" ? Date.parse(at) : Number.NaN;
  return Number.isNaN(ms) ? null : ms;
};

/** A shift whose split took effect: finished, or running with its split applied (now dwelling). */
const inEffect = (step: Step) => step.name === "shift_traffic" && (step.status === "SUCCEEDED" || step.status === "SKIPPED" || (step.status === "RUNNING" && appliedAt(step) !== null));

/**
 * The split the serving plane carries now, by the last traffic shift in effect: its leg's target
 * takes `percent`, the other version the rest. Before any shift, all traffic is on `from`.
 */
export function liveSplit(view: { fromVersion: string; toVersion: string; steps: readonly Step[] }): TrafficShare[] {
  const last = [...view.steps].reverse().find(inEffect);
  if (!last) return [{ version: view.fromVersion, percent: 100 }];
  const [target, other] = last.leg === "forward" ? [view.fromVersion, view.toVersion] : [view.toVersion, view.fromVersion];
  const percent = last.percent ?? 100;
  return percent >= 100 ? [{ version: target, percent: 100 }] : [{ version: target, percent }, { version: other, percent: 100 - percent }];
}

export type DwellCountdown = { percent: number; dwellMs: number; endsAt: number; remainingMs: number; elapsedFraction: number };

/** The stage being watched right now, if any: when its dwell ends and how much of it is left. */
export function dwellCountdown(steps: readonly Step[], now: number): DwellCountdown | null {
  const step = steps.find((s) => s.name === "shift_traffic" && s.status === "RUNNING" && (s.dwellSeconds ?? 0) > 0 && appliedAt(s) !== null);
  if (!step) return null;
  const dwellMs = (step.dwellSeconds ?? 0) * 1000;
  const endsAt = appliedAt(step)! + dwellMs;
  const remainingMs = Math.max(0, endsAt - now);
  return { percent: step.percent ?? 100, dwellMs, endsAt, remainingMs, elapsedFraction: Math.min(1, (dwellMs - remainingMs) / dwellMs) };
}
