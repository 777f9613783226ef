import { describe, expect, it } from "vitest";
import { stepLabel } from "./format";

describe("stepLabel", () => {
  it("says where traffic goes and how long the canary is watched", () => {
    expect(stepLabel({ name: "shift_traffic", percent: 10, dwellSeconds: 60 })).toBe("Move traffic to 10%, watch 1m");
    expect(stepLabel({ name: "shift_traffic", percent: 100, dwellSeconds: 0 })).toBe("Move traffic to 100%");
    expect(stepLabel({ name: "pin_prior", percent: null, dwellSeconds: null })).toBe("Pin version");
  });
});
