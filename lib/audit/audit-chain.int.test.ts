import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { integrationDatabase } from "@/lib/testing/integration-database";
import { db } from "@/lib/db";
import { newRequestId, runMutation } from "@/lib/mutation";
import { makeUser } from "@/lib/testing/factories";
import type { Actor } from "@/lib/actor";
import { GENESIS_HASH, verifyAuditChain, type ChainAnchor, type ChainVerification } from "./audit-chain";
import { checkAuditChain } from "./check-audit-chain";

let actor: Actor;

async function appendEvents(count: number): Promise<bigint[]> {
  const requestId = newRequestId();
  for (let i = 0; i < count; i++) {
    await runMutation({ actor, requestId }, "VIEWER", ({ audit }) =>
      audit({ action: "test.chain", targetType: "test", targetId: i, before: { n: i }, after: { n: i + 1, note: "ünïcode ✓" } }),
    );
  }
  const events = await db().auditEvent.findMany({ where: { requestId }, orderBy: { id: "asc" }, select: { id: true } });
  return events.map((e) => e.id);
}

/**
 * Does what a superuser or the table's owner can: turns every trigger off for its transaction and
 * changes the log. Verifies inside that transaction, then rolls it back, so nothing stays broken.
 */
async function verifyAfterTampering(tamper: (sql: (text: string, values?: unknown[]) => Promise<unknown>) => Promise<unknown>, anchor: ChainAnchor | null = null): Promise<ChainVerification> {
  const owner = new pg.Client({ connectionString: integrationDatabase().ownerUrl });
  await owner.connect();
  try {
    await owner.query("BEGIN");
    await owner.query("SET LOCAL session_replication_role = replica");
    await tamper((text, values) => owner.query(text, values));
    return await verifyAuditChain(async (text, values) => (await owner.query(text, values)).rows, anchor);
  } finally {
    await owner.query("ROLLBACK");
    await owner.end();
  }
}

// Five times the connection pool: most transactions wait their turn for the chain's head. Not
// more, or the waits exceed the pool's five-second connect timeout on a loaded two-core machine.
const BURST = 50;

const newest = async () => (await db().auditEvent.findFirstOrThrow({ orderBy: { id: "desc" } }));

describe("the audit hash chain", () => {
  beforeAll(async () => {
    ({ actor } = await makeUser("ADMIN"));
    await appendEvents(3);
  });

  it("links every appended event to the one before it, with the next id", async () => {
    const ids = await appendEvents(3);
    expect(ids.map((id) => Number(id - ids[0]!))).toEqual([0, 1, 2]);
    const events = await db().auditEvent.findMany({ where: { id: { gte: ids[0]! - 1n, lte: ids[2]! } }, orderBy: { id: "asc" } });
    for (let i = 1; i < events.length; i++) expect(events[i]!.prevHash).toBe(events[i - 1]!.hash);
    expect(events.every((e) => /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);
    expect(events[0]!.prevHash).not.toBe(GENESIS_HASH);
  });

  it("chains the events of one transaction, appended in one statement or several", async () => {
    const before = await newest();
    const requestId = newRequestId();
    await runMutation({ actor, requestId }, "VIEWER", async ({ audit }) => {
      for (let i = 0; i < 50; i++) await audit({ action: "test.many", targetType: "test", targetId: i });
    });
    await db().$transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await tx.auditEvent.createMany({ data: [0, 1].map((j) => ({ actorType: "SYSTEM", actorLabel: "system", action: "test.statements", targetType: "test", targetId: `${i}.${j}`, requestId })) });
    });
    const appended = await db().auditEvent.findMany({ where: { id: { gt: before.id } }, orderBy: { id: "asc" }, select: { id: true, prevHash: true, hash: true } });
    expect(appended.map((e) => Number(e.id - before.id))).toEqual(Array.from({ length: 56 }, (_, i) => i + 1));
    expect(appended.map((e) => e.prevHash)).toEqual([before.hash, ...appended.slice(0, -1).map((e) => e.hash)]);
    expect(await db().auditChainHead.findFirstOrThrow()).toMatchObject({ eventId: appended.at(-1)!.id, hash: appended.at(-1)!.hash });
  });

  it("verifies an untouched chain, counting every event and naming its head", async () => {
    const result = await checkAuditChain("cli");
    const last = await newest();
    expect(result).toMatchObject({ ok: true, broken: null, eventCount: await db().auditEvent.count(), head: { eventId: last.id, hash: last.hash } });
    expect(result.message).toMatch(new RegExp(`^audit chain OK: ${result.eventCount} events, head #${last.id} `));
    expect(await db().auditChainVerification.findFirstOrThrow({ orderBy: { id: "desc" } })).toMatchObject({ ok: true, source: "cli", headEventId: last.id });
  });

  it("keeps one chain, without gaps or forks, when many transactions append at once", async () => {
    const before = await newest();
    const requestId = newRequestId();
    await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        runMutation({ actor, requestId }, "VIEWER", async ({ tx, audit }) => {
          await tx.setting.upsert({ where: { key: `chain-burst-${requestId}-${i % 7}` }, create: { key: `chain-burst-${requestId}-${i % 7}`, value: i }, update: { value: i } });
          await audit({ action: "test.burst", targetType: "test", targetId: i });
        }),
      ),
    );
    const appended = await db().auditEvent.findMany({ where: { id: { gt: before.id } }, orderBy: { id: "asc" }, select: { id: true, prevHash: true, hash: true } });
    expect(appended).toHaveLength(BURST);
    expect(appended.at(-1)!.id - before.id).toBe(BigInt(BURST));
    expect(new Set(appended.map((e) => e.prevHash)).size).toBe(BURST);
    expect(appended[0]!.prevHash).toBe(before.hash);
    expect((await checkAuditChain("cli")).ok).toBe(true);
  });

  it("names an event whose content was changed with the guards off", async () => {
    const [, changed] = await appendEvents(3);
    const result = await verifyAfterTampering((sql) => sql(`UPDATE "AuditEvent" SET "after" = '{"n": 99}' WHERE id = $1`, [changed]));
    expect(result.ok).toBe(false);
    expect(result.broken).toMatchObject({ problem: "content", eventId: changed });
    expect(result.message).toContain(`BROKEN at event #${changed} (content)`);
  });

  it("names a deleted event by its missing id", async () => {
    const [, deleted] = await appendEvents(3);
    const result = await verifyAfterTampering((sql) => sql(`DELETE FROM "AuditEvent" WHERE id = $1`, [deleted]));
    expect(result.broken).toMatchObject({ problem: "deleted", eventId: deleted });
    expect(result.broken!.message).toBe(`event #${deleted} is missing: #${deleted! + 1n} does not link to #${deleted! - 1n}`);
  });

  it("names a forged event inserted after the newest, even with a hash computed the chain's way", async () => {
    const last = await newest();
    const forged = last.id + 1n;
    const result = await verifyAfterTampering(async (sql) => {
      await sql(
        `INSERT INTO "AuditEvent" (id, "actorType", "actorLabel", action, "targetType", "targetId", "requestId", "prevHash", hash)
         VALUES ($1, 'USER', 'admin@example.test', 'user.create', 'user', 'x', 'forged', $2, 'pending')`,
        [forged, last.hash],
      );
      await sql(`UPDATE "AuditEvent" e SET hash = audit_event_hash(e."prevHash", e) WHERE id = $1`, [forged]);
    });
    expect(result.broken).toMatchObject({ problem: "outside_chain", eventId: forged });
  });

  it("names the link after an event that was rewritten and re-hashed", async () => {
    const [, rewritten, next] = await appendEvents(3);
    const result = await verifyAfterTampering(async (sql) => {
      await sql(`UPDATE "AuditEvent" SET "actorLabel" = 'someone-else@example.test' WHERE id = $1`, [rewritten]);
      await sql(`UPDATE "AuditEvent" e SET hash = audit_event_hash(e."prevHash", e) WHERE id = $1`, [rewritten]);
    });
    expect(result.broken).toMatchObject({ problem: "link", eventId: next });
  });

  it("names events deleted from the end of the log", async () => {
    const ids = await appendEvents(2);
    const result = await verifyAfterTampering((sql) => sql(`DELETE FROM "AuditEvent" WHERE id >= $1`, [ids[0]]));
    expect(result.broken).toMatchObject({ problem: "deleted", eventId: ids[0] });
    expect(result.broken!.message).toContain(`events #${ids[0]}–#${ids[1]} are missing from the end`);
  });

  it("catches a re-hashed newest event against the head an earlier verification saw", async () => {
    await appendEvents(1);
    const seen = await checkAuditChain("cli");
    const anchor = { eventId: seen.head!.eventId, hash: seen.head!.hash, checkedAt: new Date() };
    const rehash = async (sql: (text: string, values?: unknown[]) => Promise<unknown>) => {
      await sql(`UPDATE "AuditEvent" SET "after" = '{"n": 0}' WHERE id = $1`, [anchor.eventId]);
      await sql(`UPDATE "AuditEvent" e SET hash = audit_event_hash(e."prevHash", e) WHERE id = $1`, [anchor.eventId]);
      await sql(`UPDATE "AuditChainHead" h SET hash = e.hash FROM "AuditEvent" e WHERE e.id = $1`, [anchor.eventId]);
    };
    // A rewrite that re-hashes everything after it, head included, is invisible to the chain alone.
    expect((await verifyAfterTampering(rehash)).ok).toBe(true);
    const result = await verifyAfterTampering(rehash, anchor);
    expect(result.broken).toMatchObject({ problem: "anchor", eventId: anchor.eventId });
  });
});
