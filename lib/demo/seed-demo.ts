import "server-only";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import { DEMO_PASSWORD, DEMO_USERS } from "./demo-users";
import { seedRegistry } from "./seed-registry";

const SEEDED_KEY = "demo.seededAt";

export async function demoSeeded(): Promise<boolean> {
  return (await db().setting.findUnique({ where: { key: SEEDED_KEY } })) !== null;
}

/**
 * Seeds the demo team and its history. Each domain adds its own step; the marker makes a
 * second run a no-op, so a user's edits to demo data are never overwritten.
 */
export async function seedDemo(log: (line: string) => void = () => {}): Promise<"seeded" | "already-seeded"> {
  if (await demoSeeded()) return "already-seeded";
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const user of DEMO_USERS) {
    await db().user.upsert({ where: { email: user.email }, create: { ...user, passwordHash }, update: {} });
  }
  log(`demo users: ${DEMO_USERS.length}`);
  await seedRegistry(log);
  await (await import("./seed-metrics")).seedMetrics(log);
  await (await import("./seed-postmortems")).seedPostmortems(log);
  await (await import("./seed-readiness")).seedReadiness(log);
  await db().setting.create({ data: { key: SEEDED_KEY, value: new Date().toISOString() } });
  return "seeded";
}
