import { describe, expect, it } from "vitest";
import { describeIncidentSlo, incidentSlo } from "./incident-slo";

const durations = { timeToDetectMs: 90_000, timeToDecideMs: null, timeToExecuteMs: null, timeToRollbackMs: 190_000, exposureWindowMs: null };

describe("whether an incident met its rollback SLO", () => {
  it("says met or missed, with the time against the target", () => {
    expect(describeIncidentSlo(incidentSlo(durations, { rollbackSeconds: 300, detectSeconds: 60 }))).toEqual([
      "Rollback SLO met: rolled back in 3m 10s against a 5m target.",
      "Detection SLO missed: detected in 1m 30s against a 1m target.",
    ]);
  });

  it("says when no target was set, or the duration cannot be computed", () => {
    expect(describeIncidentSlo(incidentSlo(durations, { rollbackSeconds: null, detectSeconds: null }))).toEqual(["Rollback SLO: no target was set."]);
    expect(incidentSlo({ ...durations, timeToRollbackMs: null }, { rollbackSeconds: 300, detectSeconds: null }).rollback).toEqual({ targetMs: 300_000, actualMs: null, met: null });
  });
});
