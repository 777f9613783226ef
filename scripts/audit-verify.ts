// `npm run audit:verify`: re-computes the audit log's hash chain in the database the app uses
// and records the result (the audit page shows it). Prints one line: OK with the count and the
// head, or the first broken link (event id and what differs) with exit code 1.
import { openLocalDatabase } from "@/lib/platform/local-database";
import { databaseSettings } from "./database-settings";

async function main() {
  const database = await openLocalDatabase(databaseSettings());
  process.env.DATABASE_URL = database.url;
  let ok = false;
  try {
    const { checkAuditChain } = await import("@/lib/audit/check-audit-chain");
    const result = await checkAuditChain("cli");
    console.log(`${result.message} (${result.durationMs} ms)`);
    ok = result.ok;
  } finally {
    const { db } = await import("@/lib/db");
    await db().$disconnect();
    await database.release();
  }
  process.exit(ok ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
});
