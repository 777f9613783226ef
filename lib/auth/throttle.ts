import "server-only";
import { db } from "@/lib/db";

const WINDOW_MS = 15 * 60_000;
const MAX_FAILURES_PER_ACCOUNT = 5;
const MAX_FAILURES_PER_ADDRESS = 20;
const BLOCK_MS = 15 * 60_000;

export const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
export const addressKey = (address: string) => `address:${address}`;

/** Milliseconds until the key may try again, or 0. */
export async function throttledFor(keys: string[], now = new Date()): Promise<number> {
  const rows = await db().authThrottle.findMany({ where: { key: { in: keys } } });
  const until = Math.max(0, ...rows.map((r) => r.blockedUntil?.getTime() ?? 0));
  return Math.max(0, until - now.getTime());
}

export async function recordFailure(key: string, limit: number, now = new Date()): Promise<void> {
  const row = await db().authThrottle.findUnique({ where: { key } });
  const fresh = !row || now.getTime() - row.windowStart.getTime() > WINDOW_MS;
  const failures = fresh ? 1 : row.failures + 1;
  const data = {
    failures,
    windowStart: fresh ? now : row.windowStart,
    blockedUntil: failures >= limit ? new Date(now.getTime() + BLOCK_MS) : (row?.blockedUntil ?? null),
  };
  await db().authThrottle.upsert({ where: { key }, create: { key, ...data }, update: data });
}

export async function recordSignInFailure(email: string, address: string) {
  await recordFailure(accountKey(email), MAX_FAILURES_PER_ACCOUNT);
  await recordFailure(addressKey(address), MAX_FAILURES_PER_ADDRESS);
}

export async function clearAccountFailures(email: string) {
  await db().authThrottle.deleteMany({ where: { key: accountKey(email) } });
}
