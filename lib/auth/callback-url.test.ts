import { describe, expect, it } from "vitest";
import { safeCallbackPath, signInUrl } from "./callback-url";

describe("safeCallbackPath", () => {
  it("keeps a page of this app with its query", () => {
    expect(safeCallbackPath("/rollbacks/ck123")).toBe("/rollbacks/ck123");
    expect(safeCallbackPath("/deployments/support-router?range=7d")).toBe("/deployments/support-router?range=7d");
  });

  it("refuses anything that could leave the app", () => {
    for (const value of ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)", "/rollbacks\n/x", "rollbacks/x", "", null, undefined]) {
      expect(safeCallbackPath(value), String(value)).toBeNull();
    }
  });

  it("never sends back to the sign-in page itself", () => {
    expect(safeCallbackPath("/sign-in?callbackUrl=%2Fx")).toBeNull();
  });
});

describe("signInUrl", () => {
  it("carries the deep link as callbackUrl, and drops an unsafe one", () => {
    expect(signInUrl("/rollbacks/ck123")).toBe("/sign-in?callbackUrl=%2Frollbacks%2Fck123");
    expect(signInUrl("//evil.example")).toBe("/sign-in");
    expect(signInUrl(null)).toBe("/sign-in");
  });
});
