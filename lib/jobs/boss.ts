import "server-only";
import PgBoss from "pg-boss";
import { env } from "@/lib/env";

/** pg-boss's createQueue, run by processes starting together, deadlocks or collides; they retry. */
const RACE_CODES = new Set(["40P01", "23505"]);

/**
 * Creates the queue unless it exists. pg-boss's own createQueue is not safe to race: two workers
 * starting at once deadlock on its partition DDL, so the loser re-checks and tries again.
 */
export async function ensureQueue(boss: PgBoss, queue: PgBoss.Queue): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    if (await boss.getQueue(queue.name)) return;
    try {
      await boss.createQueue(queue.name, queue);
      return;
    } catch (error) {
      if (attempt >= 5 || !RACE_CODES.has((error as { code?: string }).code ?? "")) throw error;
      await new Promise((resolve) => setTimeout(resolve, attempt * 50 + Math.random() * 100));
    }
  }
}

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
