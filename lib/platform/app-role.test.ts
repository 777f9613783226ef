import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EMBEDDED_APP_ROLE, appRoleGrants, roleOf } from "./app-role";

describe("the app role's grants", () => {
  it("are the statements the README gives for a database of your own", () => {
    const readme = readFileSync("README.md", "utf8");
    for (const statement of appRoleGrants(EMBEDDED_APP_ROLE)) expect(readme).toContain(`${statement};`);
  });

  it("never let the app update or delete audit events", () => {
    const grants = appRoleGrants("app");
    const widening = grants.findIndex((s) => s.startsWith("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public"));
    const narrowing = grants.findIndex((s) => s.startsWith(`REVOKE UPDATE, DELETE ON "AuditEvent"`));
    expect(widening).toBeGreaterThanOrEqual(0);
    expect(narrowing).toBeGreaterThan(widening);
  });

  it("quote the role's name", () => {
    expect(appRoleGrants('we"ird')[0]).toBe('GRANT USAGE ON SCHEMA public TO "we""ird"');
    expect(roleOf("postgresql://r%40g:secret@localhost:5432/db")).toBe("r@g");
  });
});
