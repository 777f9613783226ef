import { describe, expect, it } from "vitest";
import { incidentTimestampsOf, incidentTimings, timingsOfRollback, type IncidentTimestamps } from "./timings";

const at = (minutes: number) => new Date(Date.UTC(2026, 5, 17, 9, 0) + minutes * 60_000);
const MIN = 60_000;

// The worked example: v14 live three days, a six-hour slide, rolled back nine minutes after detection.
const example: IncidentTimestamps = {
  badVersionLiveFrom: at(-3 * 24 * 60),
  impactStartedAt: at(-360),
  detectedAt: at(0),
  rollbackRequestedAt: at(1),
  approvedAt: at(3),
  completedAt: at(9),
};

describe("incidentTimings", () => {
  it("computes every figure from the timestamps", () => {
    expect(incidentTimings(example)).toEqual({
      timeToDetectMs: 360 * MIN,
      timeToDecideMs: 2 * MIN,
      timeToExecuteMs: 6 * MIN,
      timeToRollbackMs: 9 * MIN,
      exposureWindowMs: (3 * 24 * 60 + 9) * MIN,
    });
  });

  it("measures time to roll back from the request when detection is not recorded", () => {
    expect(incidentTimings({ ...example, detectedAt: null }).timeToRollbackMs).toBe(8 * MIN);
    expect(incidentTimings({ ...example, detectedAt: new Date(Number.NaN) }).timeToRollbackMs).toBe(8 * MIN);
  });

  it("is null wherever an end is missing", () => {
    expect(incidentTimings({})).toEqual({ timeToDetectMs: null, timeToDecideMs: null, timeToExecuteMs: null, timeToRollbackMs: null, exposureWindowMs: null });
    expect(incidentTimings({ ...example, completedAt: undefined }).timeToExecuteMs).toBeNull();
  });

  it("keeps a negative figure when the timestamps are out of order, for the warning to explain", () => {
    expect(incidentTimings({ impactStartedAt: at(5), detectedAt: at(0) }).timeToDetectMs).toBe(-5 * MIN);
  });
});

describe("one incident, one set of timestamps", () => {
  const rollback = { requestedAt: at(0), approvedAt: at(6), completedAt: at(14) };

  it("reads a rollback with a detection the same way its postmortem draft does", () => {
    const detection = { regressionStartedAt: at(-360), detectedAt: at(-1) };
    const alone = timingsOfRollback({ ...rollback, detection });
    const drafted = { impactStartedAt: detection.regressionStartedAt, detectedAt: detection.detectedAt, rollbackRequestedAt: at(0), approvedAt: at(6), completedAt: at(14) };
    expect(timingsOfRollback({ ...rollback, detection, postmortem: drafted })).toEqual({ ...alone, exposureWindowMs: null });
    expect(alone).toMatchObject({ timeToDetectMs: 359 * MIN, timeToRollbackMs: 15 * MIN });
  });

  it("takes a detection reported by hand on the postmortem: the v12 incident is 39 minutes to roll back, not 14", () => {
    const postmortem = { detectedAt: at(-25), rollbackRequestedAt: at(0), approvedAt: at(6), completedAt: at(14) };
    expect(timingsOfRollback(rollback).timeToRollbackMs).toBe(14 * MIN);
    expect(timingsOfRollback({ ...rollback, postmortem }).timeToRollbackMs).toBe(39 * MIN);
    expect(incidentTimings(incidentTimestampsOf({ ...rollback, postmortem }))).toEqual(incidentTimings(postmortem));
  });

  it("leaves what is not yet known as null while the rollback is in flight", () => {
    expect(timingsOfRollback({ requestedAt: at(0), approvedAt: null, completedAt: null })).toEqual({
      timeToDetectMs: null,
      timeToDecideMs: null,
      timeToExecuteMs: null,
      timeToRollbackMs: null,
      exposureWindowMs: null,
    });
  });
});
