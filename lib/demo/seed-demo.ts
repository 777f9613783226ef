import "server-only";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import { DEMO_PASSWORD, DEMO_USERS } from "./demo-users";
import { seedRegistry } from "./seed-registry";

const SEEDED_KEY = "demo.seededAt";
const DEMO_DEPLOYMENTS = ["support-router", "faq-answerer"];

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
  for (const line of await demoSummary()) log(`demo: ${line}`);
  return "seeded";
}

/**
 * Each demo deployment as the database holds it now (what the UI shows), e.g.
 * "support-router: v13 live, v11 prior (rolled back: v12, v14)": read, never restated by hand.
 */
export async function demoSummary(): Promise<string[]> {
  const deployments = await db().deployment.findMany({
    where: { slug: { in: DEMO_DEPLOYMENTS } },
    select: {
      slug: true,
      liveVersionId: true,
      priorVersionId: true,
      versions: { orderBy: { versionId: "asc" }, select: { versionId: true, status: true, version: { select: { version: true } } } },
    },
  });
  return DEMO_DEPLOYMENTS.flatMap((slug) => {
    const d = deployments.find((row) => row.slug === slug);
    if (!d) return [];
    const name = (id: number | null) => d.versions.find((v) => v.versionId === id)?.version.version ?? "none";
    const rolledBack = d.versions.filter((v) => v.status === "ROLLED_BACK").map((v) => v.version.version);
    return [`${slug}: ${name(d.liveVersionId)} live, ${name(d.priorVersionId)} prior${rolledBack.length > 0 ? ` (rolled back: ${rolledBack.join(", ")})` : ""}`];
  });
}
