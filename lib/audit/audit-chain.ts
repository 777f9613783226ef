/*
 * The audit log's hash chain, re-computed. Each event's `hash` is
 *   sha256(prevHash || canonical content), hex,
 * where prevHash is the hash of the event before it (64 zeros for the first) and the canonical
 * content is the jsonb text of {id, at, actorType, actorId, actorLabel, action, targetType,
 * targetId, before, after, requestId}. The chain trigger (migration 20261201130000) computes it
 * on append; this module spells the same expression itself, so a verification does not rely on
 * functions stored in the database it checks.
 */

export const GENESIS_HASH = "0".repeat(64);

const CANONICAL_CONTENT = `jsonb_build_object('id', "id", 'at', "at", 'actorType', "actorType", 'actorId', "actorId",
  'actorLabel', "actorLabel", 'action', "action", 'targetType', "targetType", 'targetId', "targetId",
  'before', "before", 'after', "after", 'requestId', "requestId")::text`;

/**
 * content: the event's fields no longer give its hash (changed after it was written).
 * link: its previous hash is not the hash of the event before it (that one was rewritten and
 *   re-hashed, or this link was altered).
 * deleted: events are missing where ids skip and the chain does not link across the gap.
 * outside_chain: the event lies beyond the chain's recorded head (written with the trigger off).
 * head: the newest event is not the one the chain's head records.
 * anchor: an event an earlier verification saw has changed or gone since.
 */
export type ChainProblem = "content" | "link" | "deleted" | "outside_chain" | "head" | "anchor";

export type ChainBreak = { problem: ChainProblem; eventId: bigint; message: string };

export type ChainVerification = {
  ok: boolean;
  eventCount: number;
  /** The newest event and its hash (null on an empty log). */
  head: { eventId: bigint; hash: string } | null;
  /** The first broken link, in id order (then the head's and the anchor's checks). */
  broken: ChainBreak | null;
  /** One line for a terminal or a page. */
  message: string;
};

/** A head an earlier verification found intact: it must still be there, unchanged. */
export type ChainAnchor = { eventId: bigint; hash: string; checkedAt: Date };

/** Runs one SQL statement; every value the queries here return is text, a boolean or a count. */
export type SqlQuery = (text: string, values: unknown[]) => Promise<Record<string, unknown>[]>;

type SuspectRow = { id: string; prevHash: string; hash: string; recomputed: string; previousId: string | null; previousHash: string | null };

// The first event whose content or link does not verify, with the event before it.
const FIRST_SUSPECT = `
  SELECT id::text, "prevHash", hash, recomputed, "previousId"::text, "previousHash" FROM (
    SELECT id, "prevHash", hash,
           encode(sha256(convert_to("prevHash" || ${CANONICAL_CONTENT}, 'UTF8')), 'hex') AS recomputed,
           lag(id) OVER (ORDER BY id) AS "previousId", lag(hash) OVER (ORDER BY id) AS "previousHash"
      FROM "AuditEvent"
  ) chain
  WHERE hash IS DISTINCT FROM recomputed OR "prevHash" IS DISTINCT FROM coalesce("previousHash", $1)
  ORDER BY id LIMIT 1`;

const events = (from: bigint, to: bigint) => (from === to ? `event #${from} is` : `events #${from}–#${to} are`);

function classify(row: SuspectRow): ChainBreak {
  const id = BigInt(row.id);
  const previousId = row.previousId === null ? null : BigInt(row.previousId);
  if (row.prevHash !== (row.previousHash ?? GENESIS_HASH)) {
    if (previousId === null) {
      return { problem: "deleted", eventId: id - 1n, message: `the events before #${id} are missing: #${id} does not link to the start of the chain` };
    }
    if (id > previousId + 1n) {
      return { problem: "deleted", eventId: previousId + 1n, message: `${events(previousId + 1n, id - 1n)} missing: #${id} does not link to #${previousId}` };
    }
    return { problem: "link", eventId: id, message: `event #${id}'s previous hash is not #${previousId}'s hash: #${previousId} was rewritten and re-hashed, or #${id}'s link was altered` };
  }
  return { problem: "content", eventId: id, message: `event #${id}'s content does not match its hash: it was changed after it was written` };
}

/**
 * Re-computes the whole chain and names the first broken link. Run it inside one snapshot
 * (REPEATABLE READ) so that appends made meanwhile are either wholly seen or not at all.
 */
export async function verifyAuditChain(query: SqlQuery, anchor: ChainAnchor | null = null): Promise<ChainVerification> {
  const [totals] = await query(`SELECT count(*)::int AS count, max(id)::text AS "lastId" FROM "AuditEvent"`, []);
  const eventCount = Number(totals?.count ?? 0);
  const lastId = totals?.lastId == null ? null : BigInt(String(totals.lastId));
  const [last] = lastId === null ? [] : await query(`SELECT hash FROM "AuditEvent" WHERE id = $1::bigint`, [String(lastId)]);
  const head = lastId === null ? null : { eventId: lastId, hash: String(last!.hash) };
  const result = (broken: ChainBreak | null): ChainVerification => ({
    ok: broken === null,
    eventCount,
    head,
    broken,
    message: broken
      ? `audit chain BROKEN at event #${broken.eventId} (${broken.problem}): ${broken.message}`
      : `audit chain OK: ${eventCount} events${head ? `, head #${head.eventId} ${head.hash.slice(0, 16)}` : ""}`,
  });

  const [recorded] = await query(`SELECT "eventId"::text AS "eventId", hash FROM "AuditChainHead"`, []);
  if (!recorded) {
    return result({ problem: "head", eventId: lastId ?? 0n, message: "the chain's head row (AuditChainHead) is missing, so appends fail" });
  }
  const recordedId = BigInt(String(recorded.eventId));
  const recordedHash = String(recorded.hash);

  const [suspect] = (await query(FIRST_SUSPECT, [GENESIS_HASH])) as SuspectRow[];
  const [beyond] = await query(`SELECT min(id)::text AS id FROM "AuditEvent" WHERE id > $1::bigint`, [String(recordedId)]);
  const firstBeyond = beyond?.id == null ? null : BigInt(String(beyond.id));
  if (firstBeyond !== null && (!suspect || BigInt(suspect.id) >= firstBeyond)) {
    return result({ problem: "outside_chain", eventId: firstBeyond, message: `event #${firstBeyond} lies beyond the chain's recorded head #${recordedId}: it was written with the chain trigger off` });
  }
  if (suspect) return result(classify(suspect));

  if (lastId === null ? recordedId > 0n : lastId < recordedId) {
    const from = (lastId ?? 0n) + 1n;
    return result({ problem: "deleted", eventId: from, message: `${events(from, recordedId)} missing from the end: the chain's head records #${recordedId}` });
  }
  if (head && head.hash !== recordedHash) {
    return result({ problem: "head", eventId: head.eventId, message: `event #${head.eventId}'s hash is not the one the chain's head records: the chain was re-hashed` });
  }
  if (anchor) {
    const [seen] = await query(`SELECT hash FROM "AuditEvent" WHERE id = $1::bigint`, [String(anchor.eventId)]);
    if (!seen || seen.hash !== anchor.hash) {
      return result({
        problem: "anchor",
        eventId: anchor.eventId,
        message: `event #${anchor.eventId} ${seen ? "has another hash than" : "is gone since"} the verification of ${anchor.checkedAt.toISOString()}: the chain was rewritten and re-hashed since`,
      });
    }
  }
  return result(null);
}
