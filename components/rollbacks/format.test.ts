import { describe, expect, it } from "vitest";
import { formatDurationMs, stepLabel } from "./format";

describe("formatDurationMs", () => {
  it.each([
    [null, "—"],
    [850, "850 ms"],
    [4_240, "4.2 s"],
    [552_000, "9 m 12 s"],
    [11_040_000, "3 h 4 m"],
  ])("%s → %s", (ms, text) => expect(formatDurationMs(ms)).toBe(text));
});

describe("stepLabel", () => {
  it("says where traffic goes and how long the canary is watched", () => {
    expect(stepLabel({ name: "shift_traffic", percent: 10, dwellSeconds: 60 })).toBe("Move traffic to 10%, watch 60 s");
    expect(stepLabel({ name: "shift_traffic", percent: 100, dwellSeconds: 0 })).toBe("Move traffic to 100%");
    expect(stepLabel({ name: "pin_prior", percent: null, dwellSeconds: null })).toBe("Pin version");
  });
});
