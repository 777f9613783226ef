import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { parsePathParams, parseSearchParamsLeniently, versionListQuery, versionPathParams } from "./schemas";

describe("parseSearchParamsLeniently", () => {
  it("keeps the parameters that parse and drops only the ones that do not", () => {
    expect(parseSearchParamsLeniently(versionListQuery, { sort: "version", order: "sideways", page: ["3", "4"] })).toEqual({
      filter: "all",
      sort: "version",
      order: "desc",
      page: 3,
    });
  });
});

describe("parsePathParams", () => {
  it("names the segment that is a moving reference", () => {
    try {
      parsePathParams(versionPathParams, { model: "support-router", version: "latest" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).message).toMatch(/^version: pin an explicit version/);
    }
  });
});
