import { describe, expect, it } from "vitest";
import { seriesUrl } from "./series-url";

const rangeOf = (url: string) => Object.fromEntries(new URL(url, "http://localhost").searchParams);

describe("seriesUrl", () => {
  it("gives every chart open on a preset range the same URL for 5 s, ending at or after now", () => {
    const now = Date.parse("2026-12-01T10:00:01.234Z");
    const urls = [0, 1_000, 3_700].map((later) => seriesUrl("fraud-scorer-prod", "canary_accuracy", { range: "1h" }, 1000, now + later));
    expect(new Set(urls).size).toBe(1);
    expect(rangeOf(urls[0]!)).toEqual({ metric: "canary_accuracy", from: "2026-12-01T09:00:05.000Z", to: "2026-12-01T10:00:05.000Z", maxPoints: "1000" });
    expect(rangeOf(seriesUrl("fraud-scorer-prod", "canary_accuracy", { range: "1h" }, 1000, now + 3_800))).toMatchObject({ to: "2026-12-01T10:00:10.000Z" });
  });

  it("asks a custom range exactly as chosen", () => {
    const url = seriesUrl("fraud-scorer-prod", "canary_accuracy", { range: "custom", from: "2026-11-30T08:00:00.000Z", to: "2026-11-30T09:30:00.000Z" }, 300);
    expect(rangeOf(url)).toMatchObject({ from: "2026-11-30T08:00:00.000Z", to: "2026-11-30T09:30:00.000Z", maxPoints: "300" });
  });
});
