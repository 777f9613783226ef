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

const toJson = (value: unknown) =>
  value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue);

/** Appends one event; runs inside the caller's transaction so the change and its record agree. */
export async function recordAuditEvent(tx: Tx, actor: Actor, requestId: string, event: AuditInput) {
  await tx.auditEvent.create({
    data: {
      actorType: actor.type,
      actorId: actor.id,
      actorLabel: actor.label,
      action: event.action,
      targetType: event.targetType,
      targetId: String(event.targetId),
      before: toJson(event.before),
      after: toJson(event.after),
      requestId,
    },
  });
}
