import { describe, expect, it } from "vitest";
import { hasRole, parseRole } from "./roles";

describe("roles", () => {
  it("orders VIEWER < OPERATOR < APPROVER < ADMIN", () => {
    expect(hasRole("ADMIN", "APPROVER")).toBe(true);
    expect(hasRole("APPROVER", "OPERATOR")).toBe(true);
    expect(hasRole("OPERATOR", "APPROVER")).toBe(false);
    expect(hasRole("VIEWER", "OPERATOR")).toBe(false);
    expect(hasRole("VIEWER", "VIEWER")).toBe(true);
  });

  it("parses role names in any case and refuses others", () => {
    expect(parseRole("operator")).toBe("OPERATOR");
    expect(parseRole(" Admin ")).toBe("ADMIN");
    expect(parseRole("root")).toBeNull();
  });
});
