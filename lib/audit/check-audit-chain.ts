import "server-only";
import type { AuditChainVerification } from "@prisma/client";
import { db } from "@/lib/db";
import { verifyAuditChain, type ChainAnchor, type ChainVerification } from "./audit-chain";

export type ChainCheckSource = "cli" | "schedule";

/** The head the newest passing verification saw: a later one confirms it is still there. */
async function lastVerifiedHead(): Promise<ChainAnchor | null> {
  const last = await db().auditChainVerification.findFirst({
    where: { ok: true, headEventId: { not: null } },
    orderBy: { id: "desc" },
    select: { headEventId: true, headHash: true, checkedAt: true },
  });
  return last?.headEventId != null && last.headHash ? { eventId: last.headEventId, hash: last.headHash, checkedAt: last.checkedAt } : null;
}

/**
 * Verifies the whole chain in one snapshot and records the result, which the audit page shows.
 * Appends go on meanwhile: the check reads, and the chain's lock is not taken.
 */
export async function checkAuditChain(source: ChainCheckSource): Promise<ChainVerification & { durationMs: number }> {
  const started = performance.now();
  const anchor = await lastVerifiedHead();
  const result = await db().$transaction(
    (tx) => verifyAuditChain((text, values) => tx.$queryRawUnsafe<Record<string, unknown>[]>(text, ...values), anchor),
    { isolationLevel: "RepeatableRead", timeout: 15 * 60_000, maxWait: 10_000 },
  );
  const durationMs = Math.round(performance.now() - started);
  await db().auditChainVerification.create({
    data: {
      source,
      ok: result.ok,
      eventCount: result.eventCount,
      headEventId: result.head?.eventId ?? null,
      headHash: result.head?.hash ?? null,
      problem: result.broken?.problem ?? null,
      brokenEventId: result.broken?.eventId ?? null,
      message: result.message,
      durationMs,
    },
  });
  return { ...result, durationMs };
}

export type AuditChainStatus = {
  last: AuditChainVerification | null;
  /** Events appended after the head the last verification saw (not yet verified). */
  appendedSince: number;
};

/** For the audit page: the newest verification, cheaply (no hashing on page load). */
export async function auditChainStatus(): Promise<AuditChainStatus> {
  const last = await db().auditChainVerification.findFirst({ orderBy: { id: "desc" } });
  const appendedSince = await db().auditEvent.count({ where: { id: { gt: last?.headEventId ?? 0n } } });
  return { last, appendedSince };
}
