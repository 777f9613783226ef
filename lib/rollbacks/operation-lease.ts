import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { db, type Tx } from "@/lib/db";

// Which worker may execute a rollback operation: a lease row (RollbackLease) rather than a
// session advisory lock, because a session lock lives on a connection, and behind a
// transaction-pooling PgBouncer that connection is shared and outlives the worker. The row's
// expiry is the database's clock, so workers' clocks do not matter. Every acquisition raises the
// fencing token; every write of the execution checks holder and token in its own transaction,
// so a worker whose lease expired and was taken over cannot write, even if it is still running.

/** Thrown into a write of a worker that no longer holds the lease; the write is refused. */
export class LeaseLost extends Error {
  constructor(operationId: string) {
    super(`another worker took over rollback ${operationId}; this worker stops without writing`);
    this.name = "LeaseLost";
  }
}

export type OperationLease = {
  operationId: string;
  holder: string;
  token: number;
  /** Checks the lease inside a write's transaction (and extends it); throws LeaseLost if it is gone. */
  fence: (tx: Tx) => Promise<void>;
  /** Aborted when a renewal finds the lease taken over. */
  lost: AbortSignal;
  /** Stops renewing and lets the lease go, so the next worker need not wait for it to expire. */
  release: () => Promise<void>;
};

export type LeaseAttempt =
  | { status: "acquired"; lease: OperationLease }
  | { status: "busy"; holder: string; until: Date }
  | { status: "missing" };

/** Names this worker in the lease row: host, process and one execution (reused across its retries). */
export const newLeaseHolder = () => `${hostname()}#${process.pid}/${randomUUID().slice(0, 8)}`;

const intervalOf = (ms: number) => Math.max(1, Math.round(ms));

async function extend(runner: Pick<Tx, "$queryRaw">, operationId: string, holder: string, token: number, ttlMs: number): Promise<boolean> {
  const rows = await runner.$queryRaw<{ token: number }[]>`
    UPDATE "RollbackLease" SET "expiresAt" = now() + ${intervalOf(ttlMs)}::int * interval '1 millisecond'
    WHERE "operationId" = ${operationId} AND "holder" = ${holder} AND "token" = ${token}
    RETURNING "token"`;
  return rows.length === 1;
}

/**
 * Takes the operation's lease for `ttlMs` when nobody holds it, it expired, or `holder` itself
 * held it (a worker resuming after the database came back); renewed every third of `ttlMs`.
 * Two workers asking at once: the row's lock orders them, and the second sees the first's lease.
 */
export async function acquireLease(operationId: string, holder: string, ttlMs: number): Promise<LeaseAttempt> {
  const taken = await db().$queryRaw<{ token: number }[]>`
    INSERT INTO "RollbackLease" ("operationId", "holder", "token", "acquiredAt", "expiresAt")
    SELECT id, ${holder}, 1, now(), now() + ${intervalOf(ttlMs)}::int * interval '1 millisecond'
    FROM "RollbackOperation" WHERE id = ${operationId}
    ON CONFLICT ("operationId") DO UPDATE
      SET "holder" = EXCLUDED."holder", "token" = "RollbackLease"."token" + 1,
          "acquiredAt" = EXCLUDED."acquiredAt", "expiresAt" = EXCLUDED."expiresAt"
      WHERE "RollbackLease"."expiresAt" <= now() OR "RollbackLease"."holder" = EXCLUDED."holder"
    RETURNING "token"`;
  const token = taken[0]?.token;
  if (token === undefined) {
    const current = await db().rollbackLease.findUnique({ where: { operationId } });
    return current ? { status: "busy", holder: current.holder, until: current.expiresAt } : { status: "missing" };
  }

  const lost = new AbortController();
  const renewal = setInterval(() => {
    extend(db(), operationId, holder, token, ttlMs)
      .then((held) => {
        if (!held) lost.abort(new LeaseLost(operationId));
      })
      // The database being away is not a loss: nobody can take the lease over while it is, and
      // the next write's fence decides once it is back.
      .catch(() => {});
  }, Math.max(100, ttlMs / 3));
  renewal.unref();

  return {
    status: "acquired",
    lease: {
      operationId,
      holder,
      token,
      lost: lost.signal,
      fence: async (tx) => {
        if (!(await extend(tx, operationId, holder, token, ttlMs))) {
          lost.abort(new LeaseLost(operationId));
          throw new LeaseLost(operationId);
        }
      },
      release: async () => {
        clearInterval(renewal);
        await db().$executeRaw`
          UPDATE "RollbackLease" SET "expiresAt" = now()
          WHERE "operationId" = ${operationId} AND "holder" = ${holder} AND "token" = ${token}`;
      },
    },
  };
}

/** When the operation's current lease runs out (null: nobody holds one). */
export async function leaseExpiry(operationId: string): Promise<Date | null> {
  const lease = await db().rollbackLease.findUnique({ where: { operationId }, select: { expiresAt: true } });
  return lease && lease.expiresAt > new Date() ? lease.expiresAt : null;
}
