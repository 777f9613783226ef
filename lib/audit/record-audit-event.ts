import "server-only";
import type { Prisma } from "@prisma/client";
import type { Actor } from "@/lib/actor";
import type { Tx } from "@/lib/db";

export type AuditInput = {
  action: string;
  targetType: string;
  targetId: string | number;
  before?: unknown;
  after?: unknown;
};

export type AuditRecord = Prisma.AuditEventCreateManyInput;

const toJson = (value: unknown) =>
  value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue);

/** The event as it will be stored, its before and after captured now. */
export function auditRecord(actor: Actor, requestId: string, event: AuditInput): AuditRecord {
  return {
    actorType: actor.type,
    actorId: actor.id,
    actorLabel: actor.label,
    action: event.action,
    targetType: event.targetType,
    targetId: String(event.targetId),
    before: toJson(event.before),
    after: toJson(event.after),
    requestId,
  };
}

/**
 * Appends events in one statement; runs inside the caller's transaction so the change and its
 * record agree. The chain trigger then holds the chain's head lock until that transaction ends.
 */
export async function recordAuditEvents(tx: Tx, records: AuditRecord[]): Promise<void> {
  if (records.length > 0) await tx.auditEvent.createMany({ data: records });
}

/** Appends one event, at once. */
export async function recordAuditEvent(tx: Tx, actor: Actor, requestId: string, event: AuditInput) {
  await recordAuditEvents(tx, [auditRecord(actor, requestId, event)]);
}
