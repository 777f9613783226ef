import pg from "pg";
import { describe, expect, it } from "vitest";
import { integrationDatabase } from "@/lib/testing/integration-database";
import { db } from "@/lib/db";
import { newRequestId, runMutation } from "@/lib/mutation";
import { makeUser } from "@/lib/testing/factories";
import { createUser } from "@/lib/users/manage-users";

describe("the audit log", () => {
  it("records a mutation with actor, action, target, before/after and request id", async () => {
    const { actor } = await makeUser("ADMIN");
    const requestId = newRequestId();
    const created = await createUser({ actor, requestId }, { email: `a-${requestId}@example.test`, name: "A", role: "VIEWER", password: "long-enough-password" });
    const event = await db().auditEvent.findFirstOrThrow({ where: { requestId } });
    expect(event).toMatchObject({ actorType: "USER", actorId: actor.id, action: "user.create", targetType: "user", targetId: created.id });
    expect(event.after).toMatchObject({ email: created.email, role: "VIEWER" });
    expect(JSON.stringify(event.after)).not.toContain("passwordHash");
  });

  it("cannot be changed by the app's database role, nor its guards turned off", async () => {
    const { actor } = await makeUser("ADMIN");
    const requestId = newRequestId();
    await runMutation({ actor, requestId }, "VIEWER", ({ audit }) => audit({ action: "test.event", targetType: "test", targetId: 1 }));
    const event = await db().auditEvent.findFirstOrThrow({ where: { requestId } });
    await expect(db().$executeRaw`UPDATE "AuditEvent" SET "action" = 'forged' WHERE id = ${event.id}`).rejects.toThrow(/permission denied/);
    await expect(db().$executeRaw`DELETE FROM "AuditEvent" WHERE id = ${event.id}`).rejects.toThrow(/permission denied/);
    await expect(db().$executeRawUnsafe(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/permission denied/);
    await expect(db().$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER ALL`)).rejects.toThrow(/must be owner/);
    await expect(db().$transaction((tx) => tx.$executeRawUnsafe(`SET LOCAL session_replication_role = replica`))).rejects.toThrow(/permission denied/);
    expect((await db().auditEvent.findUniqueOrThrow({ where: { id: event.id } })).action).toBe("test.event");
  });

  it("refuses UPDATE, DELETE and TRUNCATE even to its owner while the guards are on", async () => {
    const { actor } = await makeUser("ADMIN");
    const requestId = newRequestId();
    await runMutation({ actor, requestId }, "VIEWER", ({ audit }) => audit({ action: "test.event", targetType: "test", targetId: 1 }));
    const event = await db().auditEvent.findFirstOrThrow({ where: { requestId } });
    const owner = new pg.Client({ connectionString: integrationDatabase().ownerUrl });
    await owner.connect();
    try {
      await expect(owner.query(`UPDATE "AuditEvent" SET "action" = 'forged' WHERE id = $1`, [event.id])).rejects.toThrow(/append-only/);
      await expect(owner.query(`DELETE FROM "AuditEvent" WHERE id = $1`, [event.id])).rejects.toThrow(/append-only/);
      await expect(owner.query(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only/);
    } finally {
      await owner.end();
    }
    expect((await db().auditEvent.findUniqueOrThrow({ where: { id: event.id } })).action).toBe("test.event");
  });

  it("keeps nothing of a mutation whose transaction fails, not even its audit event", async () => {
    const { actor } = await makeUser("ADMIN");
    const requestId = newRequestId();
    await expect(
      runMutation({ actor, requestId }, "ADMIN", async ({ tx, audit }) => {
        await tx.setting.create({ data: { key: `half-${requestId}`, value: 1 } });
        await audit({ action: "test.half", targetType: "test", targetId: 1 });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await db().auditEvent.count({ where: { requestId } })).toBe(0);
    expect(await db().setting.count({ where: { key: `half-${requestId}` } })).toBe(0);
  });

  it("appends a transaction's events when its work is done, so the chain's lock never closes a deadlock", async () => {
    const { actor } = await makeUser("ADMIN");
    const key = `deadlock-${newRequestId()}`;
    await db().setting.create({ data: { key, value: 0 } });
    let release!: () => void;
    const lockedRow = new Promise<void>((resolve) => (release = resolve));
    // A audits first and then wants the row B holds; B holds the row and then audits.
    const a = runMutation({ actor, requestId: newRequestId() }, "ADMIN", async ({ tx, audit }) => {
      await audit({ action: "test.deadlock", targetType: "test", targetId: "a" });
      await lockedRow;
      await tx.setting.update({ where: { key }, data: { value: 1 } });
    });
    const b = runMutation({ actor, requestId: newRequestId() }, "ADMIN", async ({ tx, audit }) => {
      await tx.setting.update({ where: { key }, data: { value: 2 } });
      release();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await audit({ action: "test.deadlock", targetType: "test", targetId: "b" });
    });
    await expect(Promise.all([a, b])).resolves.toEqual([undefined, undefined]);
    expect((await db().setting.findUniqueOrThrow({ where: { key } })).value).toBe(1);
  });

  it("refuses a mutation from a role below the one required, before touching anything", async () => {
    const { actor } = await makeUser("OPERATOR");
    await expect(
      createUser({ actor, requestId: newRequestId() }, { email: "x@example.test", name: "X", role: "ADMIN", password: "long-enough-password" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db().user.count({ where: { email: "x@example.test" } })).toBe(0);
  });
});
