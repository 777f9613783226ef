import { describe, expect, it } from "vitest";
import type { IncidentTimestamps } from "@/lib/incidents/timings";
import { validateTimelineOrder } from "./durations";

const at = (minutes: number) => new Date(Date.UTC(2026, 5, 17, 9, 0) + minutes * 60_000);

// The worked example: v14 live two days, a six-hour slide, rolled back nine minutes after detection.
const example: IncidentTimestamps = {
  badVersionLiveFrom: at(-3 * 24 * 60),
  impactStartedAt: at(-360),
  detectedAt: at(0),
  rollbackRequestedAt: at(1),
  approvedAt: at(3),
  completedAt: at(9),
};

describe("validateTimelineOrder", () => {
  it("has nothing to say about an ordered timeline", () => {
    expect(validateTimelineOrder(example)).toEqual([]);
  });

  it("allows equal timestamps", () => {
    expect(validateTimelineOrder({ rollbackRequestedAt: at(1), approvedAt: at(1), completedAt: at(1) })).toEqual([]);
  });

  it("names the pair out of order", () => {
    const warnings = validateTimelineOrder({ ...example, approvedAt: at(0.5) });
    expect(warnings).toEqual([
      {
        kind: "out_of_order",
        earlier: "rollbackRequestedAt",
        later: "approvedAt",
        message:
          "approved (2026-06-17T09:00:30.000Z) is before rollback requested (2026-06-17T09:01:00.000Z)",
      },
    ]);
  });

  it("compares across timestamps that are not recorded", () => {
    const warnings = validateTimelineOrder({ impactStartedAt: at(10), completedAt: at(5) });
    expect(warnings).toMatchObject([{ earlier: "impactStartedAt", later: "completedAt" }]);
  });

  it("warns when impact starts before the bad version was live", () => {
    const warnings = validateTimelineOrder({ ...example, badVersionLiveFrom: at(-300) });
    expect(warnings).toMatchObject([{ earlier: "badVersionLiveFrom", later: "impactStartedAt" }]);
  });

  it("warns about an invalid date and skips it", () => {
    const warnings = validateTimelineOrder({ ...example, detectedAt: new Date("nope") });
    expect(warnings).toEqual([{ kind: "invalid", field: "detectedAt", message: "detected is not a valid time" }]);
  });

  it("reports one warning for one misplaced timestamp", () => {
    expect(validateTimelineOrder({ ...example, detectedAt: at(-400) })).toHaveLength(1);
  });
});
