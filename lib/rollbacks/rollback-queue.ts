import "server-only";
import type PgBoss from "pg-boss";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { isDatabaseUnavailable } from "@/lib/errors";
import { ensureQueue, getBoss } from "@/lib/jobs/boss";
import { listenForWakeUps } from "@/lib/jobs/wake-up-listener";
import { sleep } from "@/lib/serving/moves";
import { executeRollback, type ExecuteRollbackOptions, type ExecutionOutcome } from "./execute-rollback";
import { leaseExpiry, newLeaseHolder } from "./operation-lease";

export const ROLLBACK_QUEUE = "rollback-execute";
/** NOTIFYed after a job is sent, so an idle worker fetches it now instead of at its next poll. */
const WAKE_CHANNEL = "reversegate_rollback_jobs";

type RollbackJob = { operationId: string };

const ensured = new WeakSet<PgBoss>();

/** Backoff between attempts while the database is unavailable: 250 ms doubling to 5 s. */
const retryDelayMs = (retry: number) => Math.min(5_000, 250 * 2 ** Math.min(retry, 5));

const messageOf = (error: unknown) => (error instanceof Error ? error.message.trim().split("\n").at(-1) : String(error));

/**
 * "short": at most one queued job per operation (the singleton key), so approving, retrying and
 * the start-up sweep never pile up duplicates. Active jobs are not limited by the policy: a job
 * left active by a worker that died must not block the resumed one, and the executor's lease
 * and status compare-and-set already keep two runs of one operation apart.
 */
async function ensureRollbackQueue(boss: PgBoss): Promise<void> {
  if (ensured.has(boss)) return;
  await ensureQueue(boss, { name: ROLLBACK_QUEUE, policy: "short", retryLimit: 5, retryDelay: 5, expireInSeconds: 3_600 });
  ensured.add(boss);
}

/** Queues execution of an APPROVED (or resumption of an EXECUTING) operation. Call after commit. */
export async function enqueueRollbackExecution(operationId: string, boss?: PgBoss): Promise<void> {
  const instance = boss ?? (await getBoss());
  await ensureRollbackQueue(instance);
  await instance.send(ROLLBACK_QUEUE, { operationId } satisfies RollbackJob, { singletonKey: operationId });
  await db().$executeRaw`SELECT pg_notify(${WAKE_CHANNEL}, ${operationId})`;
}

/** Enqueues without failing the caller: the operation is committed, and the worker's sweep finds it anyway. */
export async function enqueueAfterCommit(operationId: string): Promise<void> {
  try {
    await enqueueRollbackExecution(operationId);
  } catch (error) {
    console.error(`[rollbacks] could not queue ${operationId} (the worker's sweep will pick it up):`, error instanceof Error ? error.message : error);
  }
}

/** Every operation a worker should be running: approved ones and those a stopped worker left executing. */
async function resumeUnfinished(boss: PgBoss): Promise<string[]> {
  const open = await db().rollbackOperation.findMany({ where: { status: { in: ["APPROVED", "EXECUTING"] } }, select: { id: true }, orderBy: { approvedAt: "asc" } });
  for (const { id } of open) await enqueueRollbackExecution(id, boss);
  return open.map((op) => op.id);
}

export type RollbackWorkerOptions = Omit<ExecuteRollbackOptions, "signal" | "log" | "holder"> & {
  log?: (line: string) => void;
  boss?: PgBoss;
  /** Operations run at once (each holds its worker during dwells and acknowledgement waits). */
  concurrency?: number;
  /** How often approved operations without a job are looked for. */
  sweepIntervalMs?: number;
};

/**
 * Works the rollback queue: re-enqueues every APPROVED or EXECUTING operation on start (a process
 * that died mid-rollback resumes from its last persisted step), then runs jobs as they come.
 * `stop()` interrupts running executions between steps and waits for them to let go.
 */
export async function startRollbackWorker(options: RollbackWorkerOptions): Promise<{ stop: () => Promise<void> }> {
  const log = options.log ?? ((line: string) => console.log(`[rollbacks] ${line}`));
  const boss = options.boss ?? (await getBoss());
  await ensureRollbackQueue(boss);
  const controller = new AbortController();
  const running = new Set<Promise<unknown>>();
  const concurrency = options.concurrency ?? 3;
  const execution = { outcomes: options.outcomes, consumerAckTimeoutMs: options.consumerAckTimeoutMs, serving: options.serving };

  /**
   * Runs the operation, and runs it again, as the same lease holder, each time the database
   * was unavailable: a restarted PostgreSQL resumes the rollback from its last persisted step
   * within one backoff of answering again.
   */
  const executeThroughOutages = async (operationId: string): Promise<ExecutionOutcome> => {
    const holder = newLeaseHolder();
    for (let retry = 0; ; retry++) {
      try {
        const outcome = await executeRollback(operationId, { ...execution, holder, signal: controller.signal, log });
        if (retry > 0) log(`${operationId}: the database answers again; resumed`);
        return outcome;
      } catch (error) {
        if (controller.signal.aborted || !isDatabaseUnavailable(error)) throw error;
        if (retry === 0) log(`${operationId}: the database is unavailable (${messageOf(error)}); resuming when it answers`);
        await sleep(retryDelayMs(retry), controller.signal).catch(() => {});
        if (controller.signal.aborted) return "interrupted";
      }
    }
  };

  const handle = async (jobs: PgBoss.Job<RollbackJob>[]) => {
    for (const job of jobs) {
      if (controller.signal.aborted) throw new Error("rollback worker stopping; the job will be retried");
      const { operationId } = job.data;
      const run = executeThroughOutages(operationId);
      running.add(run);
      try {
        const outcome = await run;
        log(`${operationId}: ${outcome}`);
        // Another worker holds it: look again when its lease runs out, in case that worker died.
        if (outcome === "busy") {
          const startAfter = (await leaseExpiry(operationId)) ?? new Date(Date.now() + 1_000);
          await boss.send(ROLLBACK_QUEUE, { operationId } satisfies RollbackJob, { singletonKey: operationId, startAfter });
        }
      } finally {
        running.delete(run);
      }
    }
  };
  const workerIds: string[] = [];
  for (let i = 0; i < concurrency; i++) {
    workerIds.push(await boss.work<RollbackJob>(ROLLBACK_QUEUE, { batchSize: 1, pollingIntervalSeconds: 2 }, handle));
  }

  const listener = await listenForWakeUps({
    connectionString: env().DATABASE_DIRECT_URL ?? env().DATABASE_URL,
    channel: WAKE_CHANNEL,
    onWake: () => workerIds.forEach((id) => boss.notifyWorker(id)),
    log,
  });

  const resumed = await resumeUnfinished(boss);
  if (resumed.length > 0) log(`queued ${resumed.length} unfinished rollback(s): ${resumed.join(", ")}`);
  const sweep = setInterval(() => {
    resumeUnfinished(boss).catch((error: unknown) => log(`sweep failed: ${error instanceof Error ? error.message : String(error)}`));
  }, options.sweepIntervalMs ?? 60_000);
  sweep.unref();

  return {
    stop: async () => {
      clearInterval(sweep);
      controller.abort();
      await Promise.all(workerIds.map((id) => boss.offWork({ id })));
      await Promise.allSettled([...running]);
      await listener.stop();
    },
  };
}
