import "server-only";
import PgBoss from "pg-boss";
import { env } from "@/lib/env";

const holder = globalThis as unknown as { reversegateBoss?: Promise<PgBoss> };

/**
 * The process's one started pg-boss against DATABASE_URL (its own `pgboss` schema, installed on
 * first start). Completed jobs are archived after ten minutes and dropped after a day:
 * evaluation ticks are many, and their outcomes live on the policy, in detections and rollbacks.
 */
export function getBoss(): Promise<PgBoss> {
  if (!holder.reversegateBoss) {
    const boss = new PgBoss({
      connectionString: env().DATABASE_URL,
      application_name: "reversegate-jobs",
      max: 6,
      archiveCompletedAfterSeconds: 600,
      deleteAfterDays: 1,
    });
    boss.on("error", (error: Error) => console.error("[jobs] pg-boss:", error.message));
    holder.reversegateBoss = boss.start().catch((error: unknown) => {
      holder.reversegateBoss = undefined;
      throw error;
    });
  }
  return holder.reversegateBoss;
}

/** Stops the shared instance (waiting for running handlers) so the database can be stopped after it. */
export async function stopBoss(): Promise<void> {
  const started = holder.reversegateBoss;
  holder.reversegateBoss = undefined;
  if (started) await (await started).stop({ graceful: true, wait: true });
}
