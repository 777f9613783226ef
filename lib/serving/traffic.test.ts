import { describe, expect, it } from "vitest";
import { sameSplit, splitWeights } from "./traffic";

describe("traffic splits", () => {
  it("puts the stage's share on the target and the rest on the other version", () => {
    expect(splitWeights("v13", "v14", 10)).toEqual([
      { version: "v13", percent: 10 },
      { version: "v14", percent: 90 },
    ]);
    expect(splitWeights("v13", "v14", 100)).toEqual([{ version: "v13", percent: 100 }]);
  });

  it("compares shares regardless of order and of versions at 0%", () => {
    expect(sameSplit([{ version: "v14", percent: 90 }, { version: "v13", percent: 10 }], splitWeights("v13", "v14", 10))).toBe(true);
    expect(sameSplit([{ version: "v13", percent: 100 }, { version: "v14", percent: 0 }], splitWeights("v13", "v14", 100))).toBe(true);
    expect(sameSplit([{ version: "v14", percent: 100 }], splitWeights("v13", "v14", 100))).toBe(false);
    expect(sameSplit([{ version: "v13", percent: 20 }, { version: "v14", percent: 80 }], splitWeights("v13", "v14", 10))).toBe(false);
  });
});
