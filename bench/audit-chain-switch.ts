// For comparisons only, on a throwaway database: the audit table as it was before the hash chain
// (ids from a sequence, no hashing, no head lock), and back. Needs the owner's URL.
import pg from "pg";

export async function switchAuditChain(ownerUrl: string, on: boolean): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    if (on) {
      await client.query(`ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_chain", ENABLE TRIGGER "AuditEvent_chain_head"`);
      await client.query(`ALTER TABLE "AuditEvent" ALTER COLUMN id DROP DEFAULT, ALTER COLUMN hash DROP DEFAULT, ALTER COLUMN "prevHash" DROP DEFAULT`);
      // Unchained rows were appended meanwhile: the chain goes on after them.
      await client.query(`UPDATE "AuditChainHead" SET "eventId" = (SELECT coalesce(max(id), 0) FROM "AuditEvent")`);
    } else {
      await client.query(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_chain", DISABLE TRIGGER "AuditEvent_chain_head"`);
      await client.query(`CREATE SEQUENCE IF NOT EXISTS bench_audit_event_id`);
      await client.query(`GRANT USAGE ON SEQUENCE bench_audit_event_id TO PUBLIC`);
      await client.query(`SELECT setval('bench_audit_event_id', (SELECT coalesce(max(id), 0) + 1 FROM "AuditEvent"), false)`);
      await client.query(`ALTER TABLE "AuditEvent" ALTER COLUMN id SET DEFAULT nextval('bench_audit_event_id'), ALTER COLUMN hash SET DEFAULT '', ALTER COLUMN "prevHash" SET DEFAULT ''`);
    }
    await client.query("COMMIT");
  } finally {
    await client.end();
  }
}
