import pg from "pg";
import PgBoss from "pg-boss";
import { describe, expect, it } from "vitest";
import { integrationDatabase } from "@/lib/testing/integration-database";
import { unique } from "@/lib/testing/factories";
import { auditLogProtection, grantAppRole, roleOf } from "./app-role";

const asApp = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: integrationDatabase().url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

describe("the app's database role", () => {
  it("is another role than the owner, and the audit log is tamper-proof for it", async () => {
    expect(roleOf(integrationDatabase().url)).not.toBe(roleOf(integrationDatabase().ownerUrl));
    await expect(auditLogProtection(integrationDatabase().url)).resolves.toEqual({ role: roleOf(integrationDatabase().url), tamperProof: true });
    await expect(auditLogProtection(integrationDatabase().ownerUrl)).resolves.toMatchObject({ tamperProof: false, because: expect.stringContaining("superuser") });
  });

  it("is granted by several processes starting at once without a deadlock", async () => {
    // Every worker and web instance grants at start; two starting together must not deadlock.
    const grants = Array.from({ length: 6 }, () => grantAppRole(integrationDatabase().ownerUrl, roleOf(integrationDatabase().url)));
    await expect(Promise.all(grants)).resolves.toHaveLength(6);
  });

  it("can create nothing, change no schema and not touch the chain's head or the migration history", async () => {
    await asApp(async (client) => {
      await expect(client.query(`CREATE TABLE "Sneaky" (id int)`)).rejects.toThrow(/permission denied for schema public/);
      await expect(client.query(`ALTER TABLE "User" ADD COLUMN sneaky int`)).rejects.toThrow(/must be owner/);
      await expect(client.query(`DROP TRIGGER "AuditEvent_chain" ON "AuditEvent"`)).rejects.toThrow(/must be owner/);
      await expect(client.query(`UPDATE "AuditChainHead" SET "eventId" = 0`)).rejects.toThrow(/permission denied/);
      await expect(client.query(`DELETE FROM "_prisma_migrations"`)).rejects.toThrow(/permission denied/);
      await expect(client.query(`UPDATE "AuditChainVerification" SET ok = true`)).rejects.toThrow(/permission denied/);
    });
  });

  it("works pg-boss's queues, including creating and deleting one, without owning its schema", async () => {
    const boss = new PgBoss({ connectionString: integrationDatabase().url, supervise: false, schedule: false, max: 2 });
    boss.on("error", () => {});
    await boss.start();
    try {
      const queue = unique("app-role-queue");
      await boss.createQueue(queue);
      const id = await boss.send(queue, { hello: "world" });
      const [job] = await boss.fetch<{ hello: string }>(queue);
      expect(job).toMatchObject({ id, data: { hello: "world" } });
      await boss.complete(queue, job!.id);
      const empty = unique("app-role-empty-queue");
      await boss.createQueue(empty);
      await boss.deleteQueue(empty);
      expect(await boss.getQueue(empty)).toBeNull();
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });
});
