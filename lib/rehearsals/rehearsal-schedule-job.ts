import "server-only";
import { ensureQueue } from "@/lib/jobs/boss";
import type PgBoss from "pg-boss";
import { SYSTEM_ACTOR } from "@/lib/actor";
import { db } from "@/lib/db";
import { newRequestId } from "@/lib/mutation";
import { isRehearsalDue, startOfUtcWeek } from "./schedule";
import { settleFinishedRehearsals, startRehearsal } from "./start-rehearsal";

export const REHEARSAL_SCHEDULE_QUEUE = "rehearsal-schedule";
/** Every five minutes: each weekly window is an hour long, so it is never missed. */
export const REHEARSAL_SCHEDULE_CRON = "*/5 * * * *";

/** Starts the rehearsal of every deployment whose window is open and that has not rehearsed this week. */
export async function runDueRehearsals(now: Date = new Date(), log: (line: string) => void = () => {}) {
  const ctx = { actor: SYSTEM_ACTOR, requestId: `rehearsal-schedule:${newRequestId()}` };
  await settleFinishedRehearsals(ctx);
  const deployments = await db().deployment.findMany({
    where: { rehearsalEnabled: true, rehearsalWeekday: now.getUTCDay(), rehearsalHourUtc: now.getUTCHours() },
    select: {
      slug: true,
      rehearsalEnabled: true,
      rehearsalWeekday: true,
      rehearsalHourUtc: true,
      rehearsals: { where: { startedAt: { gte: startOfUtcWeek(now) } }, orderBy: { startedAt: "desc" }, take: 1, select: { startedAt: true } },
    },
  });
  const started: { deployment: string; id: string; status: string }[] = [];
  for (const d of deployments) {
    const schedule = { enabled: d.rehearsalEnabled, weekday: d.rehearsalWeekday, hourUtc: d.rehearsalHourUtc };
    if (!isRehearsalDue(schedule, now, d.rehearsals[0]?.startedAt ?? null)) continue;
    try {
      const result = await startRehearsal(ctx, { deploymentSlug: d.slug, trigger: "SCHEDULED" });
      started.push({ deployment: d.slug, id: result.id, status: result.status });
      log(`${d.slug}: scheduled rehearsal ${result.status.toLowerCase()}${result.status === "REFUSED" ? ` (${result.reason})` : ""}`);
    } catch (error) {
      // One deployment's failure must not keep the others from their window.
      log(`${d.slug}: scheduled rehearsal not started: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return started;
}

/** Registers the cron schedule and its handler on the worker's pg-boss; returns the handler's worker id. */
export async function registerRehearsalSchedule(boss: PgBoss, log: (line: string) => void = (line) => console.log(`[rehearsals] ${line}`)): Promise<string> {
  await ensureQueue(boss, { name: REHEARSAL_SCHEDULE_QUEUE, policy: "singleton", retryLimit: 0, expireInSeconds: 240 });
  await boss.schedule(REHEARSAL_SCHEDULE_QUEUE, REHEARSAL_SCHEDULE_CRON, {}, { tz: "UTC" });
  return boss.work(REHEARSAL_SCHEDULE_QUEUE, async () => {
    await runDueRehearsals(new Date(), log);
  });
}
