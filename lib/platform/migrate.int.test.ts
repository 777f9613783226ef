import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { integrationDatabase } from "@/lib/testing/integration-database";
import { withDatabase } from "./embedded-postgres";
import { applyMigrations, ensureDatabase, pendingMigrations } from "./migrate";

const folders = readdirSync("prisma/migrations", { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe("migrations", () => {
  it("finds every migration pending on a new database, applies them, and then finds none", async () => {
    const url = withDatabase(integrationDatabase().ownerUrl, `rg_migrate_${Date.now().toString(36)}`);
    await ensureDatabase(url);
    expect(await pendingMigrations(url)).toEqual(folders);
    await applyMigrations(url);
    expect(await pendingMigrations(url)).toEqual([]);
  }, 90_000);
});
