import "server-only";
import { randomUUID } from "node:crypto";
import type { Role } from "@prisma/client";
import type { Actor } from "@/lib/actor";
import { hasRole } from "@/lib/auth/roles";
import { forgetSharedReads } from "@/lib/http/shared-read";
import { db, type Tx } from "@/lib/db";
import { forbidden } from "@/lib/errors";
import { auditRecord, recordAuditEvents, type AuditInput, type AuditRecord } from "@/lib/audit/record-audit-event";

export type MutationContext = {
  actor: Actor;
  requestId: string;
  /** Runs first in every transaction of this context and throws to refuse the write (a rollback worker's lease fence). */
  guard?: (tx: Tx) => Promise<void>;
};

export type MutationScope = {
  tx: Tx;
  actor: Actor;
  requestId: string;
  audit: (event: AuditInput) => Promise<void>;
};

export const newRequestId = () => randomUUID();

/**
 * Every change goes through here: the role is checked on the server, the work runs in one
 * transaction, and the audit events it appends commit or roll back with it. They are written when
 * the work is done: an append holds the audit chain's lock until commit, so taken last it is held
 * briefly and never waited for by a transaction that holds a lock this one still needs.
 */
export async function runMutation<T>(
  ctx: MutationContext,
  requiredRole: Role,
  work: (scope: MutationScope) => Promise<T>,
  options: { isolationLevel?: "ReadCommitted" | "RepeatableRead" | "Serializable" } = {},
): Promise<T> {
  if (!hasRole(ctx.actor.role, requiredRole)) {
    throw forbidden(`this needs the ${requiredRole} role; you are ${ctx.actor.role}`);
  }
  const result = await db().$transaction(
    async (tx) => {
      await ctx.guard?.(tx);
      const events: AuditRecord[] = [];
      const result = await work({
        tx,
        actor: ctx.actor,
        requestId: ctx.requestId,
        audit: async (event) => {
          events.push(auditRecord(ctx.actor, ctx.requestId, event));
        },
      });
      await recordAuditEvents(tx, events);
      return result;
    },
    { isolationLevel: options.isolationLevel ?? "ReadCommitted", timeout: 30_000, maxWait: 10_000 },
  );
  // Whoever made the change reads it next: no shared answer from before it may reach them.
  forgetSharedReads();
  return result;
}
