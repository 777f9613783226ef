import { describe, expect, it } from "vitest";
import { assembleTimeline } from "./timeline";

const at = (hhmm: string) => new Date(`2026-06-17T${hhmm}:00Z`);

describe("assembleTimeline", () => {
  it("merges timestamps, rollback steps and audit events in time order, marking corrected times", () => {
    const entries = assembleTimeline({
      timestamps: { impactStartedAt: at("08:00"), detectedAt: at("14:00"), completedAt: at("14:09") },
      detection: { metric: "canary_accuracy", floorValue: 0.905, floorSource: "prior v13 p10" },
      corrections: new Map([["impactStartedAt", { by: "omar@example.test", reason: "support saw the first tickets earlier" }]]),
      steps: [
        { name: "shift_traffic", status: "SUCCEEDED", params: { leg: "back", percent: 10 }, startedAt: at("14:02"), finishedAt: at("14:03"), error: null },
        { name: "verify", status: "FAILED", params: { leg: "back" }, startedAt: at("14:08"), finishedAt: null, error: "pinned v14" },
      ],
      auditEvents: [{ at: at("14:01"), action: "rollback.approved", actorLabel: "ada@example.test" }],
    });
    expect(entries.map((e) => [e.at.toISOString().slice(11, 16), e.source, e.description])).toEqual([
      ["08:00", "timestamp", "Impact started: canary_accuracy began its sustained breach"],
      ["14:00", "timestamp", "Detected: canary_accuracy held below the floor 0.905 (prior v13 p10)"],
      ["14:01", "audit", "rollback.approved by ada@example.test"],
      ["14:03", "step", "Traffic shifted to 10%"],
      ["14:08", "step", "Serving status verified — failed: pinned v14"],
      ["14:09", "timestamp", "Rollback completed"],
    ]);
    expect(entries[0]?.correction).toEqual({ by: "omar@example.test", reason: "support saw the first tickets earlier" });
    expect(entries[1]?.correction).toBeUndefined();
  });

  it("skips steps that never ran", () => {
    expect(
      assembleTimeline({ timestamps: {}, steps: [{ name: "verify", status: "PENDING", params: {}, startedAt: null, finishedAt: null, error: null }] }),
    ).toEqual([]);
  });
});
