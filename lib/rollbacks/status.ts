// The rollback operation's own state machine, its planned steps, and its timings. The
// deployment's lifecycle (lib/deployments/lifecycle.ts) moves only while an operation EXECUTES.
import { DEFAULT_RAMP_DWELL_SECONDS, DEFAULT_RAMP_STAGES, rampStagesProblem } from "@/lib/deployments/rollback-plan";

export type RollbackStatus =
  | "REQUESTED"
  | "AWAITING_APPROVAL"
  | "APPROVED"
  | "EXECUTING"
  | "COMPLETED"
  | "REJECTED"
  | "CANCELLED"
  | "FAILED";
export type RollbackKind = "INCIDENT" | "REHEARSAL";
export type RollbackMode = "INSTANT" | "RAMP";

const TRANSITIONS: Readonly<Record<RollbackStatus, readonly RollbackStatus[]>> = {
  // APPROVED directly: a policy that may roll back without a human (AUTO) skips the approval wait.
  REQUESTED: ["AWAITING_APPROVAL", "APPROVED", "CANCELLED"],
  AWAITING_APPROVAL: ["APPROVED", "REJECTED", "CANCELLED"],
  APPROVED: ["EXECUTING", "CANCELLED"],
  EXECUTING: ["COMPLETED", "FAILED"],
  // Back to APPROVED is the retry: the approval still stands for the same target.
  FAILED: ["APPROVED", "CANCELLED"],
  COMPLETED: [],
  REJECTED: [],
  CANCELLED: [],
};

export function nextStatuses(from: RollbackStatus): readonly RollbackStatus[] {
  return TRANSITIONS[from];
}

export function canTransition(from: RollbackStatus, to: RollbackStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isTerminal(status: RollbackStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

export class RollbackTransitionError extends Error {
  readonly code = "illegal_rollback_transition" as const;

  constructor(
    readonly from: RollbackStatus,
    readonly to: RollbackStatus,
  ) {
    const allowed = TRANSITIONS[from];
    super(
      `a rollback cannot go from ${from} to ${to}` +
        (allowed.length > 0 ? ` (allowed: ${allowed.join(", ")})` : ` (${from} is final)`),
    );
    this.name = "RollbackTransitionError";
  }
}

export function assertTransition(from: RollbackStatus, to: RollbackStatus): void {
  if (!canTransition(from, to)) throw new RollbackTransitionError(from, to);
}

const IN_FLIGHT: ReadonlySet<RollbackStatus> = new Set([
  "REQUESTED",
  "AWAITING_APPROVAL",
  "APPROVED",
  "EXECUTING",
  "FAILED",
]);

/**
 * Whether the operation still holds the deployment's one rollback slot. FAILED counts: a failed
 * execution may have left traffic split or the manifest half-restored, so someone must decide
 * explicitly (retry the same approved operation, or cancel it and accept the state) before a
 * fresh request starts a second rollback against a deployment in an unknown state.
 */
export function isInFlight(status: RollbackStatus): boolean {
  return IN_FLIGHT.has(status);
}

export const ROLLBACK_STEP_NAMES = [
  "preflight",
  "restore_manifest",
  "pin_prior",
  "shift_traffic",
  "invalidate_consumers",
  "verify",
] as const;
export type RollbackStepName = (typeof ROLLBACK_STEP_NAMES)[number];

/** A rehearsal rolls back to the prior ("back") and then forward again to the original ("forward"). */
export type RollbackLeg = "back" | "forward";

export type RollbackStepPlan =
  | {
      readonly position: number;
      readonly leg: RollbackLeg;
      readonly name: Exclude<RollbackStepName, "shift_traffic">;
    }
  | {
      readonly position: number;
      readonly leg: RollbackLeg;
      readonly name: "shift_traffic";
      /** Share of traffic on the leg's target version once this stage is reached. */
      readonly percent: number;
      /** How long eval watches this stage before the next one; zero after the last stage. */
      readonly dwellSeconds: number;
    };

export interface RollbackPlanInput {
  readonly mode: RollbackMode;
  readonly kind: RollbackKind;
  /** Percent stages for RAMP, strictly increasing and ending at 100 (default 10 then 100). */
  readonly rampStages?: readonly number[];
  readonly rampDwellSeconds?: number;
}

export interface RollbackPlanError {
  readonly code: "invalid_ramp";
  readonly message: string;
}

export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

function rampError(message: string): Result<never, RollbackPlanError> {
  return { ok: false, error: { code: "invalid_ramp", message } };
}

/** A plan's steps as the rows an operation persists. */
export function stepRows(plan: readonly RollbackStepPlan[]) {
  return plan.map((step) => ({
    position: step.position,
    name: step.name,
    params: step.name === "shift_traffic" ? { leg: step.leg, percent: step.percent, dwellSeconds: step.dwellSeconds } : { leg: step.leg },
  }));
}

/**
 * The ordered steps of one operation. Rollback is a deployment, not an undo, so each leg runs
 * the full forward-path sequence; a rehearsal runs it twice, the second time re-pinning the
 * version that was live before the rehearsal.
 */
export function planRollbackSteps(input: RollbackPlanInput): Result<RollbackStepPlan[], RollbackPlanError> {
  let stages: readonly number[] = [100];
  let dwell = 0;
  if (input.mode === "RAMP") {
    stages = input.rampStages ?? DEFAULT_RAMP_STAGES;
    dwell = input.rampDwellSeconds ?? DEFAULT_RAMP_DWELL_SECONDS;
    const problem = rampStagesProblem(stages);
    if (problem !== null) return rampError(problem);
    if (!Number.isInteger(dwell) || dwell < 0) {
      return rampError("the ramp dwell is a whole number of seconds, 0 or more");
    }
  } else if (input.rampStages !== undefined || input.rampDwellSeconds !== undefined) {
    return rampError("ramp stages and dwell apply only to RAMP mode; INSTANT moves all traffic at once");
  }

  const legs: readonly RollbackLeg[] = input.kind === "REHEARSAL" ? ["back", "forward"] : ["back"];
  const steps: RollbackStepPlan[] = [];
  for (const leg of legs) {
    const add = (name: Exclude<RollbackStepName, "shift_traffic">) =>
      steps.push({ position: steps.length, leg, name });
    add("preflight");
    add("restore_manifest");
    add("pin_prior");
    stages.forEach((percent, index) => {
      const last = index === stages.length - 1;
      steps.push({ position: steps.length, leg, name: "shift_traffic", percent, dwellSeconds: last ? 0 : dwell });
    });
    add("invalidate_consumers");
    add("verify");
  }
  return { ok: true, value: steps };
}
