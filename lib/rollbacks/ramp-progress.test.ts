import { describe, expect, it } from "vitest";
import { dwellCountdown, liveSplit } from "./ramp-progress";

const at = (s: number) => new Date(Date.UTC(2026, 5, 17, 14, 0, s)).toISOString();
const shift = (percent: number, status: string, appliedAtSecond: number | null, dwellSeconds = 60) => ({
  name: "shift_traffic",
  leg: "back" as const,
  percent,
  dwellSeconds,
  status,
  detail: appliedAtSecond === null ? null : { appliedAt: at(appliedAtSecond) },
});
const view = (steps: ReturnType<typeof shift>[]) => ({ fromVersion: "v14", toVersion: "v13", steps });

describe("liveSplit", () => {
  it("is all on the bad version before any traffic moved", () => {
    expect(liveSplit(view([shift(10, "RUNNING", null), shift(100, "PENDING", null, 0)]))).toEqual([{ version: "v14", percent: 100 }]);
  });

  it("follows each stage as it takes effect", () => {
    expect(liveSplit(view([shift(10, "RUNNING", 5), shift(100, "PENDING", null, 0)]))).toEqual([
      { version: "v13", percent: 10 },
      { version: "v14", percent: 90 },
    ]);
    expect(liveSplit(view([shift(10, "SUCCEEDED", 5), shift(100, "SUCCEEDED", 65, 0)]))).toEqual([{ version: "v13", percent: 100 }]);
  });

  it("reads a rehearsal's forward leg as moving back to the original version", () => {
    expect(liveSplit({ fromVersion: "v14", toVersion: "v13", steps: [{ ...shift(100, "SUCCEEDED", 5, 0) }, { ...shift(10, "RUNNING", 20), leg: "forward" as const }] })).toEqual([
      { version: "v14", percent: 10 },
      { version: "v13", percent: 90 },
    ]);
  });
});

describe("dwellCountdown", () => {
  it("counts down the watched stage from when its split took effect", () => {
    const steps = [shift(10, "RUNNING", 5), shift(100, "PENDING", null, 0)];
    expect(dwellCountdown(steps, Date.parse(at(20)))).toEqual({ percent: 10, dwellMs: 60_000, endsAt: Date.parse(at(65)), remainingMs: 45_000, elapsedFraction: 0.25 });
    expect(dwellCountdown(steps, Date.parse(at(90)))?.remainingMs).toBe(0);
  });

  it("is nothing while no stage is being watched", () => {
    expect(dwellCountdown([shift(10, "RUNNING", null)], Date.parse(at(20)))).toBeNull();
    expect(dwellCountdown([shift(10, "SUCCEEDED", 5)], Date.parse(at(20)))).toBeNull();
  });
});
