// The adapter against the real simulator is covered in lib/serving/simulator/simulator-process.test.ts;
// these are its pure parts.
import { describe, expect, it } from "vitest";
import { createHttpServingAdapter } from "./adapter";

describe("createHttpServingAdapter", () => {
  it("refuses unusable options up front", () => {
    const base = { baseUrl: "http://127.0.0.1:4010", secret: "s", timeoutMs: 1_000, retries: 2 };
    expect(() => createHttpServingAdapter({ ...base, baseUrl: "ftp://host" })).toThrow();
    expect(() => createHttpServingAdapter({ ...base, timeoutMs: 0 })).toThrow();
    expect(() => createHttpServingAdapter({ ...base, retries: -1 })).toThrow();
  });

  it("declares every capability unless told otherwise", () => {
    const base = { baseUrl: "http://127.0.0.1:4010", secret: "s", timeoutMs: 1_000, retries: 2 };
    expect(createHttpServingAdapter(base).capabilities).toEqual({
      ramp: true,
      instantFlip: true,
      stickiness: true,
      manifestRestore: true,
      consumerInvalidation: true,
      degradation: true,
      manifestPreflight: true,
    });
    expect(createHttpServingAdapter({ ...base, capabilities: { stickiness: false } }).capabilities.stickiness).toBe(false);
  });
});
