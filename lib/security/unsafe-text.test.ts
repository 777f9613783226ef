import { describe, expect, it } from "vitest";
import { findUnsafeText, MAX_JSON_DEPTH, unsafeTextProblem } from "./unsafe-text";

describe("unsafeTextProblem", () => {
  it("refuses a NUL and half a surrogate pair, and accepts whole pairs and other control characters", () => {
    expect(unsafeTextProblem("a\u0000b")).toMatch(/NUL/);
    expect(unsafeTextProblem("\ud800")).toMatch(/surrogate/);
    expect(unsafeTextProblem("x\udc00")).toMatch(/surrogate/);
    expect(unsafeTextProblem("😀 tab\tbell\u0007")).toBeNull();
  });
});

describe("findUnsafeText", () => {
  it("names the path of the first bad string, keys included", () => {
    expect(findUnsafeText({ points: [{ metric: "ok" }, { metric: "a\u0000" }] }, "")).toEqual({ path: "points.1.metric", message: expect.stringMatching(/NUL/) });
    expect(findUnsafeText({ manifest: { "k\u0000": 1 } }, "")).toEqual({ path: "manifest", message: expect.stringMatching(/^a key must not contain a NUL/) });
  });

  it("refuses nesting past the limit without overflowing the stack, however deep", () => {
    let deep: unknown = "leaf";
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(findUnsafeText(deep, "")?.message).toBe(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    let shallow: unknown = "leaf";
    for (let i = 0; i < MAX_JSON_DEPTH; i++) shallow = { a: shallow };
    expect(findUnsafeText(shallow, "")).toBeNull();
  });
});
