import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { Prisma, PrismaClient } from "@prisma/client";
import { parse } from "pg-connection-string";
import { env } from "@/lib/env";

export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;

/**
 * How long a pool keeps an idle connection (pg's default is 10 s): opening one costs a SCRAM
 * handshake, so the pools keep theirs through the pauses between a page's polls. (A 25 s health
 * check that once seemed to wait on new connections was waiting in the accept queue instead:
 * lib/platform/app-server.ts.)
 */
export const DATABASE_IDLE_CONNECTION_MS = 60_000;

const holder = globalThis as unknown as { reversegatePrisma?: PrismaClient };

/** The one Prisma client of this process (kept on globalThis across dev reloads). */
export function db(): PrismaClient {
  if (!holder.reversegatePrisma) {
    // A connection attempt that gets no answer (the database host gone) fails after five seconds
    // instead of holding the request; lib/errors.ts maps it to 503.
    const config = { ...parse(env().DATABASE_URL), connectionTimeoutMillis: 5_000, idleTimeoutMillis: DATABASE_IDLE_CONNECTION_MS };
    const adapter = new PrismaPg(config as ConstructorParameters<typeof PrismaPg>[0]);
    holder.reversegatePrisma = new PrismaClient({ adapter });
  }
  return holder.reversegatePrisma;
}
