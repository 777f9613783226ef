// `npm run worker`: the background jobs (canary evaluation, retention, rollback execution) in their
// own process, for teams that run workers apart from the web app. Any number may run against one
// database; `npm start` runs the same worker inside itself unless REVERSEGATE_WORKER=off.
import { stopOnUnhandledRejection } from "@/lib/jobs/unhandled-rejections";
import { openLocalDatabase } from "@/lib/platform/local-database";
import { databaseSettings } from "./database-settings";

const say = (line: string) => console.log(`[worker] ${line}`);

async function main() {
  stopOnUnhandledRejection((error) => {
    console.error("[worker] stopping after an unexpected error:", error instanceof Error ? error.message : error);
    process.exit(1);
  });
  const database = await openLocalDatabase(databaseSettings());
  process.env.DATABASE_URL = database.url;
  const { startWorker } = await import("@/lib/jobs/worker");
  const worker = await startWorker({ log: say });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say("stopping…");
    await worker.stop();
    const { db } = await import("@/lib/db");
    await db().$disconnect();
    const { closeMetricsPool } = await import("@/lib/metrics/pg-pool");
    await closeMetricsPool();
    await database.release();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  say("running; Ctrl-C stops it");
}

main().catch((error: unknown) => {
  console.error("[worker] could not start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
