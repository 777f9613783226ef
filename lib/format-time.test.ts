import { describe, expect, it } from "vitest";
import { formatRelative, formatUtc } from "./format-time";

describe("format-time", () => {
  const now = new Date("2026-06-15T12:00:00Z");
  it("prints UTC without milliseconds", () => {
    expect(formatUtc(new Date("2026-06-15T09:03:07.123Z"))).toBe("2026-06-15 09:03:07 UTC");
  });
  it("gives a two-unit relative hint in both directions", () => {
    expect(formatRelative(new Date("2026-06-15T08:48:00Z"), now)).toBe("3h 12m ago");
    expect(formatRelative(new Date("2026-06-17T13:00:00Z"), now)).toBe("in 2d 1h");
    expect(formatRelative(new Date("2026-06-15T11:59:58Z"), now)).toBe("just now");
  });
});
