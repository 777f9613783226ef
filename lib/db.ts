import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { Prisma, PrismaClient } from "@prisma/client";
import { parse } from "pg-connection-string";
import { env } from "@/lib/env";

export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;

const holder = globalThis as unknown as { reversegatePrisma?: PrismaClient };

/** The one Prisma client of this process (kept on globalThis across dev reloads). */
export function db(): PrismaClient {
  if (!holder.reversegatePrisma) {
    // A connection attempt that gets no answer (the database host gone) fails after five seconds
    // instead of holding the request; lib/errors.ts maps it to 503.
    const config = { ...parse(env().DATABASE_URL), connectionTimeoutMillis: 5_000 };
    const adapter = new PrismaPg(config as ConstructorParameters<typeof PrismaPg>[0]);
    holder.reversegatePrisma = new PrismaClient({ adapter });
  }
  return holder.reversegatePrisma;
}
