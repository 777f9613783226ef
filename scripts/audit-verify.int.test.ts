import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { integrationDatabase } from "@/lib/testing/integration-database";
import { db } from "@/lib/db";
import { newRequestId, runMutation } from "@/lib/mutation";
import { makeUser } from "@/lib/testing/factories";

const run = promisify(execFile);
// As a user runs it: the app's DATABASE_URL and nothing else of the app's.
const verify = () => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NEXTAUTH_SECRET;
  return run("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/audit-verify.ts"], { env });
};

/** Changes an event's `after` as the owner with the guards off; returns the undo. */
async function tamperWithAfter(id: bigint, after: unknown): Promise<() => Promise<void>> {
  const owner = new pg.Client({ connectionString: integrationDatabase().ownerUrl });
  await owner.connect();
  const set = async (value: unknown) => {
    await owner.query("BEGIN");
    await owner.query("SET LOCAL session_replication_role = replica");
    await owner.query(`UPDATE "AuditEvent" SET "after" = $2 WHERE id = $1`, [id, value === null ? null : JSON.stringify(value)]);
    await owner.query("COMMIT");
  };
  const original = (await owner.query<{ after: unknown }>(`SELECT "after" FROM "AuditEvent" WHERE id = $1`, [id])).rows[0]!.after;
  await set(after);
  return async () => {
    await set(original);
    await owner.end();
  };
}

describe("npm run audit:verify", () => {
  it("prints one OK line with the count and exits 0 on an untouched chain", async () => {
    const { actor } = await makeUser("ADMIN");
    await runMutation({ actor, requestId: newRequestId() }, "ADMIN", ({ audit }) => audit({ action: "test.event", targetType: "test", targetId: 1 }));
    const { stdout } = await verify();
    const count = await db().auditEvent.count();
    expect(stdout.trim()).toMatch(new RegExp(`^audit chain OK: ${count} events, head #\\d+ [0-9a-f]{16} \\(\\d+ ms\\)$`));
  }, 60_000);

  it("names the event whose content was changed and exits 1", async () => {
    const { actor } = await makeUser("ADMIN");
    const requestId = newRequestId();
    await runMutation({ actor, requestId }, "ADMIN", ({ audit }) => audit({ action: "user.change_role", targetType: "user", targetId: "u1", before: { role: "VIEWER" }, after: { role: "OPERATOR" } }));
    const event = await db().auditEvent.findFirstOrThrow({ where: { requestId } });
    const undo = await tamperWithAfter(event.id, { role: "ADMIN" });
    try {
      await expect(verify()).rejects.toMatchObject({
        code: 1,
        stdout: expect.stringContaining(`audit chain BROKEN at event #${event.id} (content): event #${event.id}'s content does not match its hash`),
      });
      expect(await db().auditChainVerification.findFirstOrThrow({ orderBy: { id: "desc" } })).toMatchObject({ ok: false, source: "cli", problem: "content", brokenEventId: event.id });
    } finally {
      await undo();
    }
    await expect(verify()).resolves.toMatchObject({ stdout: expect.stringMatching(/^audit chain OK/) });
  }, 90_000);
});
