import { describe, expect, it } from "vitest";
import { findUnsafeText, MAX_JSON_DEPTH, refuseUnsafeText, unsafeTextProblem } from "./unsafe-text";

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

describe("refuseUnsafeText with the JSON text it was parsed from", () => {
  const refusal = (json: string) => {
    try {
      refuseUnsafeText(JSON.parse(json), json);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  };

  it("still finds an escaped NUL or half a surrogate pair, in a value or a key, and still limits nesting", () => {
    expect(refusal('{"points":[{"metric":"ok"},{"metric":"a\\u0000"}]}')).toMatch(/^points\.1\.metric: must not contain a NUL/);
    expect(refusal('{"note":"x\\uDC00"}')).toMatch(/^note: must be valid Unicode/);
    expect(refusal('{"m":{"k\\ud800":1}}')).toMatch(/^m: a key must be valid Unicode/);
    expect(refusal(`${"[".repeat(40)}1${"]".repeat(40)}`)).toMatch(/nested deeper than/);
  });

  it("accepts what only looks like an escape, and whole surrogate pairs", () => {
    expect(refusal('{"note":"C:\\\\u0000 and \\ud83d\\ude00"}')).toBeNull();
  });
});
