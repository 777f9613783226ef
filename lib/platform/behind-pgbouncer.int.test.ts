// Starting behind a transaction-pooling PgBouncer: `prisma migrate deploy` holds a session
// advisory lock, which PgBouncer would leave on a pooled server connection for the next start
// to trip over, so the migrations go to MIGRATION_DATABASE_URL, PostgreSQL itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { integrationDatabase } from "@/lib/testing/integration-database";
import { startPgBouncer, type PgBouncer } from "@/lib/testing/pgbouncer";
import { withDatabase } from "./embedded-postgres";
import { openLocalDatabase } from "./local-database";
import { ensureDatabase, withClient } from "./migrate";

// The key `prisma migrate deploy` locks while it migrates.
const PRISMA_MIGRATE_LOCK = 72707369;

let bouncer: PgBouncer;
beforeAll(async () => {
  bouncer = await startPgBouncer(integrationDatabase().ownerUrl);
}, 30_000);
afterAll(() => bouncer?.stop());

async function migrateLocksLeft(directUrl: string): Promise<number> {
  return withClient(directUrl, async (client) => {
    const { rows } = await client.query<{ held: number }>(
      "SELECT count(*)::int AS held FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
      [PRISMA_MIGRATE_LOCK],
    );
    return rows[0]!.held;
  });
}

describe("a database behind PgBouncer (pool_mode = transaction)", () => {
  it("is migrated through MIGRATION_DATABASE_URL, leaving no migration lock on PgBouncer's server connections", async () => {
    const name = `rg_behind_bouncer_${Date.now().toString(36)}`;
    // As the owner throughout: the role that migrates, through PgBouncer and around it.
    const direct = withDatabase(integrationDatabase().ownerUrl, name);
    await ensureDatabase(direct);
    try {
      const database = await openLocalDatabase({ databaseUrl: bouncer.via(direct), migrationDatabaseUrl: direct });
      expect(database.url).toBe(bouncer.via(direct));
      expect(await migrateLocksLeft(direct)).toBe(0);
    } finally {
      await withClient(integrationDatabase().ownerUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    }
  }, 90_000);
});
