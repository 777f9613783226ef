import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Prisma } from "@prisma/client";
import { db, type Tx } from "@/lib/db";

// A lease on a named piece of work (a row in "Lease"), for work that runs longer than a
// transaction should and must not run twice at once: an applied promotion's serving calls, for
// one. Not a session advisory lock, which lives on a connection (behind a transaction-pooling
// PgBouncer that connection is shared and outlives its client) and cannot say who holds it.
// Expiry is the database's clock, so holders' clocks do not matter. A holder that dies stops
// renewing and its lease runs out; the next holder is told it took over an abandoned one.
// Every acquisition raises the token, and each fenced write checks holder and token in its own
// transaction, so a holder whose lease was taken over cannot write, even if it is still running.

/** Thrown into a fenced write of a holder that no longer holds the lease; the write is refused. */
export class LeaseLost extends Error {
  constructor(readonly key: string) {
    super(`the lease on ${key} was taken over; this holder stops without writing`);
    this.name = "LeaseLost";
  }
}

export type LeaseNote = Prisma.InputJsonObject;

/** Who holds (or last held) a lease, and what they said they were doing. */
export type LeaseHolding = { holder: string; token: number; note: Prisma.JsonValue; acquiredAt: Date; expiresAt: Date };

export type Lease = {
  key: string;
  holder: string;
  token: number;
  /** Extends the lease, inside a write's transaction when given one; throws LeaseLost if it is gone. */
  fence: (runner?: Pick<Tx, "$queryRaw">) => Promise<void>;
  /** Aborted when a renewal finds the lease taken over. */
  lost: AbortSignal;
  /** Stops renewing and lets the lease go, so the next holder need not wait for it to expire. */
  release: () => Promise<void>;
};

export type LeaseAttempt =
  /** `abandoned`: the previous holder's lease expired without being released (it died, or hung). */
  | { status: "acquired"; lease: Lease; abandoned: LeaseHolding | null }
  | { status: "busy"; current: LeaseHolding };

/** Names a holder in the lease row: host, process and one unit of work. */
export const newLeaseHolder = () => `${hostname()}#${process.pid}/${randomUUID().slice(0, 8)}`;

const ttlInterval = (ms: number) => Math.max(1, Math.round(ms));

type Row = LeaseHolding & { releasedAt: Date | null; expired: boolean };

async function extend(runner: Pick<Tx, "$queryRaw">, key: string, holder: string, token: number, ttlMs: number): Promise<boolean> {
  const rows = await runner.$queryRaw<{ token: number }[]>`
    UPDATE "Lease" SET "expiresAt" = clock_timestamp() + ${ttlInterval(ttlMs)}::int * interval '1 millisecond'
    WHERE key = ${key} AND holder = ${holder} AND token = ${token} AND "releasedAt" IS NULL
    RETURNING token`;
  return rows.length === 1;
}

/**
 * Takes the lease on `key` for `ttlMs` (renewed every third of it while this process runs) when
 * nobody holds it, its holder released it or let it expire, or `holder` itself holds it. Two
 * callers asking at once are ordered by the row's lock: the second sees the first's lease.
 */
export async function acquireLease(key: string, options: { holder: string; ttlMs: number; note: LeaseNote }): Promise<LeaseAttempt> {
  const { holder, ttlMs, note } = options;
  const taken = await db().$transaction(async (tx) => {
    // A key's first use: a released placeholder (token 0), so taking it is the usual update.
    await tx.$executeRaw`
      INSERT INTO "Lease" (key, holder, token, "acquiredAt", "expiresAt", "releasedAt")
      VALUES (${key}, '', 0, clock_timestamp(), clock_timestamp(), clock_timestamp())
      ON CONFLICT (key) DO NOTHING`;
    const [current] = await tx.$queryRaw<Row[]>`
      SELECT holder, token, note, "acquiredAt", "expiresAt", "releasedAt", "expiresAt" <= clock_timestamp() AS expired
      FROM "Lease" WHERE key = ${key} FOR UPDATE`;
    if (!current) throw new Error(`lease ${key}: its row vanished while it was being taken`);
    const { releasedAt, expired, ...holding } = current;
    if (releasedAt === null && !expired && current.holder !== holder) return { status: "busy" as const, current: holding };
    const [row] = await tx.$queryRaw<{ token: number }[]>`
      UPDATE "Lease" SET holder = ${holder}, token = token + 1, note = ${JSON.stringify(note)}::jsonb,
        "acquiredAt" = clock_timestamp(), "expiresAt" = clock_timestamp() + ${ttlInterval(ttlMs)}::int * interval '1 millisecond', "releasedAt" = NULL
      WHERE key = ${key} RETURNING token`;
    return { status: "acquired" as const, token: row!.token, abandoned: releasedAt === null && current.holder !== holder ? holding : null };
  });
  if (taken.status === "busy") return taken;

  const { token } = taken;
  const lost = new AbortController();
  const renewal = setInterval(() => {
    extend(db(), key, holder, token, ttlMs)
      .then((held) => {
        if (!held) lost.abort(new LeaseLost(key));
      })
      // The database being away is not a loss: nobody can take the lease over while it is, and
      // the next fenced write decides once it is back.
      .catch(() => {});
  }, Math.max(50, ttlMs / 3));
  renewal.unref();

  return {
    status: "acquired",
    abandoned: taken.abandoned,
    lease: {
      key,
      holder,
      token,
      lost: lost.signal,
      fence: async (runner = db()) => {
        if (!(await extend(runner, key, holder, token, ttlMs))) {
          lost.abort(new LeaseLost(key));
          throw new LeaseLost(key);
        }
      },
      release: async () => {
        clearInterval(renewal);
        await db().$executeRaw`
          UPDATE "Lease" SET "releasedAt" = clock_timestamp(), "expiresAt" = least("expiresAt", clock_timestamp())
          WHERE key = ${key} AND holder = ${holder} AND token = ${token} AND "releasedAt" IS NULL`;
      },
    },
  };
}
