import { describe, expect, it } from "vitest";
import { segmentStarts } from "./chart-segments";

const MIN = 60_000;

describe("segmentStarts", () => {
  it("keeps a regular series in one piece", () => {
    const times = Array.from({ length: 100 }, (_, i) => i * MIN);
    expect(segmentStarts(times, 100 * MIN)).toEqual(new Set());
  });

  it("breaks where the version stopped serving for a while", () => {
    // v13 reports until minute 49, is off for two days while v14 serves, and reports again.
    const times = [...Array.from({ length: 50 }, (_, i) => i * MIN), ...Array.from({ length: 50 }, (_, i) => 2 * 86_400_000 + i * MIN)];
    expect(segmentStarts(times, 3 * 86_400_000)).toEqual(new Set([50]));
  });

  it("does not break on gaps that are small next to the visible range", () => {
    const times = [0, MIN, 2 * MIN, 9 * MIN, 10 * MIN];
    expect(segmentStarts(times, 30 * 86_400_000)).toEqual(new Set());
  });
});
