import { describe, expect, it } from "vitest";
import { assembleTimeline } from "./timeline";

const at = (hhmm: string) => new Date(`2026-06-17T${hhmm}:00Z`);
const lines = (entries: ReturnType<typeof assembleTimeline>) => entries.map((e) => [e.at.toISOString().slice(11, 16), e.source, e.description]);

describe("assembleTimeline", () => {
  it("merges timestamps, rollback steps and audit events in time order, marking corrected times", () => {
    const entries = assembleTimeline({
      timestamps: { impactStartedAt: at("08:00"), detectedAt: at("14:00"), completedAt: at("14:09") },
      detection: { metric: "canary_accuracy", floorValue: 0.905, floorSource: "prior v13 p10" },
      corrections: new Map([["impactStartedAt", { by: "omar@example.test", reason: "support saw the first tickets earlier" }]]),
      steps: [
        { name: "shift_traffic", status: "SUCCEEDED", params: { leg: "back", percent: 100 }, startedAt: at("14:02"), finishedAt: at("14:03"), error: null, detail: null },
        { name: "verify", status: "FAILED", params: { leg: "back" }, startedAt: at("14:08"), finishedAt: null, error: "pinned v14", detail: null },
      ],
      auditEvents: [{ at: at("14:01"), action: "rollback.started", actorLabel: "reversegate" }],
    });
    expect(lines(entries)).toEqual([
      ["08:00", "timestamp", "Impact started: canary_accuracy began its sustained breach"],
      ["14:00", "timestamp", "Detected: canary_accuracy held below the floor 0.905 (prior v13 p10)"],
      ["14:01", "audit", "rollback.started by reversegate"],
      ["14:03", "step", "Traffic shifted to 100%"],
      ["14:08", "step", "Serving status verified — failed: pinned v14"],
      ["14:09", "timestamp", "Rollback completed"],
    ]);
    expect(entries[0]?.correction).toEqual({ by: "omar@example.test", reason: "support saw the first tickets earlier" });
    expect(entries[1]?.correction).toBeUndefined();
  });

  it("stamps a ramp stage when traffic moved, not when its dwell ended", () => {
    const entries = assembleTimeline({
      timestamps: {},
      steps: [
        { name: "shift_traffic", status: "SUCCEEDED", params: { leg: "back", percent: 10, dwellSeconds: 300 }, startedAt: at("14:02"), finishedAt: at("14:07"), error: null, detail: { applied: true, appliedAt: "2026-06-17T14:02:00.000Z" } },
        { name: "shift_traffic", status: "SUCCEEDED", params: { leg: "back", percent: 100, dwellSeconds: 0 }, startedAt: at("14:07"), finishedAt: at("14:07"), error: null, detail: { applied: true, appliedAt: "2026-06-17T14:07:00.000Z" } },
      ],
    });
    expect(lines(entries)).toEqual([
      ["14:02", "step", "Traffic shifted to 10%"],
      ["14:07", "step", "Traffic shifted to 100%"],
    ]);
  });

  it("gives each event one line: a step's audit event and a timestamp's audit event are not repeated", () => {
    const entries = assembleTimeline({
      timestamps: { rollbackRequestedAt: at("14:00"), approvedAt: at("14:02"), completedAt: at("14:09") },
      steps: [{ name: "pin_prior", status: "SUCCEEDED", params: { leg: "back" }, startedAt: at("14:03"), finishedAt: at("14:04"), error: null, detail: null }],
      auditEvents: [
        { at: at("14:00"), action: "rollback.requested", actorLabel: "omar@example.test" },
        { at: at("14:02"), action: "rollback.approved", actorLabel: "ada@example.test" },
        { at: at("14:02"), action: "rollback.started", actorLabel: "reversegate" },
        { at: at("14:04"), action: "rollback.step_succeeded", actorLabel: "reversegate" },
        { at: at("14:09"), action: "rollback.completed", actorLabel: "reversegate" },
        { at: at("14:09"), action: "postmortem.opened", actorLabel: "reversegate" },
      ],
    });
    expect(lines(entries)).toEqual([
      ["14:00", "timestamp", "Rollback requested by omar@example.test"],
      ["14:02", "timestamp", "Approved by ada@example.test"],
      ["14:02", "audit", "rollback.started by reversegate"],
      ["14:04", "step", "Prior version pinned"],
      ["14:09", "timestamp", "Rollback completed"],
      ["14:09", "audit", "postmortem.opened by reversegate"],
    ]);
  });

  it("skips steps that never ran", () => {
    expect(
      assembleTimeline({ timestamps: {}, steps: [{ name: "verify", status: "PENDING", params: {}, startedAt: null, finishedAt: null, error: null, detail: null }] }),
    ).toEqual([]);
  });
});

describe("assembleTimeline without the typed time", () => {
  it("keeps an audit event whose timestamp the postmortem does not record", () => {
    const entries = assembleTimeline({ timestamps: {}, auditEvents: [{ at: at("14:02"), action: "rollback.approved", actorLabel: "ada@example.test" }] });
    expect(lines(entries)).toEqual([["14:02", "audit", "rollback.approved by ada@example.test"]]);
  });
});
