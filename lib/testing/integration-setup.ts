import { randomBytes } from "node:crypto";
import { afterAll, inject } from "vitest";
import { withDatabase } from "@/lib/platform/embedded-postgres";
import { withClient } from "@/lib/platform/migrate";

// Each test file gets its own copy of the suite's migrated database (CREATE DATABASE … TEMPLATE
// copies it in a fraction of a second), so files run side by side without seeing each other's
// rows, and a file's leftovers never reach the next.
const base = new URL(inject("ownerDatabaseUrl"));
const template = decodeURIComponent(base.pathname.slice(1));
const name = `${template}_${randomBytes(4).toString("hex")}`;
const serverUrl = withDatabase(inject("ownerDatabaseUrl"), "postgres");
const quoted = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${quoted(name)} TEMPLATE ${quoted(template)}`));
afterAll(async () => {
  await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`));
});

process.env.DATABASE_URL = withDatabase(inject("databaseUrl"), name);
process.env.TEST_OWNER_DATABASE_URL = withDatabase(inject("ownerDatabaseUrl"), name);
process.env.NEXTAUTH_SECRET ??= "integration-tests-secret-0123456789";
