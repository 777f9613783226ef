import { readdirSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";
import { withDatabase } from "./embedded-postgres";
import { applyMigrations, ensureDatabase, pendingMigrations } from "./migrate";

const folders = readdirSync("prisma/migrations", { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe("migrations", () => {
  it("finds every migration pending on a new database, applies them, and then finds none", async () => {
    const url = withDatabase(inject("ownerDatabaseUrl"), `rg_migrate_${Date.now().toString(36)}`);
    await ensureDatabase(url);
    expect(await pendingMigrations(url)).toEqual(folders);
    await applyMigrations(url);
    expect(await pendingMigrations(url)).toEqual([]);
  }, 90_000);
});
