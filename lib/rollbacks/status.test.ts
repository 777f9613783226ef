import { describe, expect, it } from "vitest";
import {
  RollbackTransitionError,
  assertTransition,
  canTransition,
  isInFlight,
  isTerminal,
  nextStatuses,
  planRollbackSteps,
  type RollbackStatus,
  type RollbackStepPlan,
} from "./status";

const ALL: readonly RollbackStatus[] = [
  "REQUESTED",
  "AWAITING_APPROVAL",
  "APPROVED",
  "EXECUTING",
  "COMPLETED",
  "REJECTED",
  "CANCELLED",
  "FAILED",
];

const LEGAL: ReadonlySet<string> = new Set([
  "REQUESTED>AWAITING_APPROVAL",
  "REQUESTED>APPROVED",
  "REQUESTED>CANCELLED",
  "AWAITING_APPROVAL>APPROVED",
  "AWAITING_APPROVAL>REJECTED",
  "AWAITING_APPROVAL>CANCELLED",
  "APPROVED>EXECUTING",
  "APPROVED>CANCELLED",
  "EXECUTING>COMPLETED",
  "EXECUTING>FAILED",
  "FAILED>APPROVED",
  "FAILED>CANCELLED",
]);

describe("rollback status transitions", () => {
  it("allows exactly the documented transitions", () => {
    for (const from of ALL) {
      for (const to of ALL) {
        expect(canTransition(from, to), `${from} → ${to}`).toBe(LEGAL.has(`${from}>${to}`));
      }
    }
  });

  it("walks the approval path", () => {
    const path: RollbackStatus[] = ["REQUESTED", "AWAITING_APPROVAL", "APPROVED", "EXECUTING", "COMPLETED"];
    for (let i = 1; i < path.length; i++) {
      expect(() => assertTransition(path[i - 1]!, path[i]!)).not.toThrow();
    }
  });

  it("throws a typed error naming the move and what is allowed", () => {
    let caught: unknown;
    try {
      assertTransition("EXECUTING", "CANCELLED");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RollbackTransitionError);
    const error = caught as RollbackTransitionError;
    expect(error.code).toBe("illegal_rollback_transition");
    expect(error.from).toBe("EXECUTING");
    expect(error.to).toBe("CANCELLED");
    expect(error.message).toBe("a rollback cannot go from EXECUTING to CANCELLED (allowed: COMPLETED, FAILED)");
  });

  it("says when the source status is final", () => {
    expect(() => assertTransition("COMPLETED", "EXECUTING")).toThrow("COMPLETED is final");
  });

  it("marks the final statuses", () => {
    expect(ALL.filter(isTerminal)).toEqual(["COMPLETED", "REJECTED", "CANCELLED"]);
    expect(nextStatuses("COMPLETED")).toEqual([]);
  });

  it("counts FAILED as in flight until it is retried or cancelled", () => {
    expect(ALL.filter(isInFlight)).toEqual(["REQUESTED", "AWAITING_APPROVAL", "APPROVED", "EXECUTING", "FAILED"]);
    expect(isInFlight("CANCELLED")).toBe(false);
  });
});

const names = (steps: readonly RollbackStepPlan[]) => steps.map((s) => s.name);

function plan(input: Parameters<typeof planRollbackSteps>[0]): RollbackStepPlan[] {
  const result = planRollbackSteps(input);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe("planRollbackSteps", () => {
  it("plans an instant incident rollback as one full traffic shift", () => {
    const steps = plan({ mode: "INSTANT", kind: "INCIDENT" });
    expect(names(steps)).toEqual([
      "preflight",
      "restore_manifest",
      "pin_prior",
      "shift_traffic",
      "invalidate_consumers",
      "verify",
    ]);
    expect(steps[3]).toEqual({ position: 3, leg: "back", name: "shift_traffic", percent: 100, dwellSeconds: 0 });
    expect(steps.map((s) => s.position)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("ramps 10% then 100% by default, dwelling between stages", () => {
    const shifts = plan({ mode: "RAMP", kind: "INCIDENT" }).filter((s) => s.name === "shift_traffic");
    expect(shifts).toEqual([
      { position: 3, leg: "back", name: "shift_traffic", percent: 10, dwellSeconds: 60 },
      { position: 4, leg: "back", name: "shift_traffic", percent: 100, dwellSeconds: 0 },
    ]);
  });

  it("uses the given stages and dwell", () => {
    const steps = plan({ mode: "RAMP", kind: "INCIDENT", rampStages: [1, 10, 50, 100], rampDwellSeconds: 300 });
    const shifts = steps.flatMap((s) => (s.name === "shift_traffic" ? [[s.percent, s.dwellSeconds]] : []));
    expect(shifts).toEqual([
      [1, 300],
      [10, 300],
      [50, 300],
      [100, 0],
    ]);
    expect(steps).toHaveLength(9);
  });

  it("plans a rehearsal as the back leg then the forward leg", () => {
    const steps = plan({ mode: "RAMP", kind: "REHEARSAL" });
    const back = steps.filter((s) => s.leg === "back");
    const forward = steps.filter((s) => s.leg === "forward");
    expect(names(back)).toEqual(names(forward));
    expect(back.length).toBe(7);
    expect(steps.slice(0, 7).every((s) => s.leg === "back")).toBe(true);
    expect(steps.map((s) => s.position)).toEqual([...steps.keys()]);
  });

  it.each([
    [[], "at least one stage"],
    [[10, 50], "must be 100%"],
    [[50, 10, 100], "increase strictly"],
    [[10, 10, 100], "increase strictly"],
    [[0, 100], "from 1 to 100"],
    [[10.5, 100], "from 1 to 100"],
    [[10, 150], "from 1 to 100"],
  ])("refuses the ramp %j", (rampStages, message) => {
    const result = planRollbackSteps({ mode: "RAMP", kind: "INCIDENT", rampStages });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("invalid_ramp");
      expect(result.error.message).toContain(message);
    }
  });

  it("refuses a negative or fractional dwell", () => {
    expect(planRollbackSteps({ mode: "RAMP", kind: "INCIDENT", rampDwellSeconds: -1 }).ok).toBe(false);
    expect(planRollbackSteps({ mode: "RAMP", kind: "INCIDENT", rampDwellSeconds: 1.5 }).ok).toBe(false);
  });

  it("refuses ramp settings on an instant rollback", () => {
    expect(planRollbackSteps({ mode: "INSTANT", kind: "INCIDENT", rampStages: [10, 100] }).ok).toBe(false);
  });
});
