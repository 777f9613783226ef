import "server-only";
import { db } from "@/lib/db";

// Sign-in throttling. The source address is held tighter than the account, and an account under
// attack is closed only to addresses that have failed: whoever floods an admin's account with
// wrong passwords cannot lock the admin out, because the admin's own address has not failed.
const WINDOW_MS = 15 * 60_000;
/** Attempts not yet proven right, per source address and window (in-flight ones included). */
export const MAX_ATTEMPTS_PER_ADDRESS = 5;
/** Wrong passwords per account and window, after which only addresses with no failure may try. */
export const MAX_FAILURES_PER_ACCOUNT = 10;

export const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
export const addressKey = (address: string) => `address:${address}`;

type Counted = { count: number; windowStart: Date };

/**
 * Adds one to the key's count in its 15-minute window (starting a new window when the last one
 * is over) and answers the count after it — one statement, so parallel attempts each see their
 * own number and at most the limit get through.
 */
async function countOne(key: string, limit: number, now = new Date()): Promise<Counted> {
  const expired = new Date(now.getTime() - WINDOW_MS);
  const blockedUntil = new Date(now.getTime() + WINDOW_MS);
  const [row] = await db().$queryRaw<{ failures: number; windowStart: Date }[]>`
    INSERT INTO "AuthThrottle" ("key", "failures", "windowStart", "blockedUntil")
    VALUES (${key}, 1, ${now}, CASE WHEN 1 >= ${limit} THEN ${blockedUntil}::timestamp(3) END)
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = CASE WHEN "AuthThrottle"."windowStart" < ${expired} THEN 1 ELSE "AuthThrottle"."failures" + 1 END,
      "windowStart" = CASE WHEN "AuthThrottle"."windowStart" < ${expired} THEN ${now}::timestamp(3) ELSE "AuthThrottle"."windowStart" END,
      "blockedUntil" = CASE
        WHEN "AuthThrottle"."windowStart" < ${expired} THEN NULL
        WHEN "AuthThrottle"."failures" + 1 >= ${limit} THEN "AuthThrottle"."windowStart" + interval '15 minutes'
        ELSE "AuthThrottle"."blockedUntil" END
    RETURNING "failures", "windowStart"`;
  return { count: row!.failures, windowStart: row!.windowStart };
}

const waitOf = (counted: Counted, now = Date.now()) => Math.max(60_000, counted.windowStart.getTime() + WINDOW_MS - now);

export type Attempt = { allowed: true } | { allowed: false; waitMs: number; reason: "address" | "account" };

/**
 * Claims one attempt for `address` on `email` before the password is checked. Refused when the
 * address has used up its attempts, or when the account is under attack and this address has
 * failed before.
 */
export async function claimSignInAttempt(email: string, address: string): Promise<Attempt> {
  const claimed = await countOne(addressKey(address), MAX_ATTEMPTS_PER_ADDRESS);
  if (claimed.count > MAX_ATTEMPTS_PER_ADDRESS) return { allowed: false, waitMs: waitOf(claimed), reason: "address" };
  const account = await db().authThrottle.findUnique({ where: { key: accountKey(email) } });
  const accountUnderAttack = account && account.failures >= MAX_FAILURES_PER_ACCOUNT && Date.now() - account.windowStart.getTime() < WINDOW_MS;
  if (accountUnderAttack && claimed.count > 1) return { allowed: false, waitMs: waitOf({ count: account.failures, windowStart: account.windowStart }), reason: "account" };
  return { allowed: true };
}

/** The password was wrong: the address keeps the attempt it claimed and the account counts one. */
export async function recordAccountFailure(email: string): Promise<void> {
  await countOne(accountKey(email), MAX_FAILURES_PER_ACCOUNT);
}

/** The password was right: the address gets its attempt back and the account starts afresh. */
export async function recordSignInSuccess(email: string, address: string): Promise<void> {
  await db().$executeRaw`UPDATE "AuthThrottle" SET "failures" = GREATEST("failures" - 1, 0) WHERE "key" = ${addressKey(address)}`;
  await db().authThrottle.deleteMany({ where: { key: accountKey(email) } });
}
