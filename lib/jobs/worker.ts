import "server-only";
import type PgBoss from "pg-boss";
import { registerAuditChainCheck } from "@/lib/audit/audit-chain-job";
import { db } from "@/lib/db";
import { evaluatePolicy } from "@/lib/metrics/evaluate-policy";
import { recordEvaluationError } from "@/lib/metrics/policy-store";
import { maintainMetricPartitions } from "@/lib/metrics/retention";
import { registerRehearsalSchedule } from "@/lib/rehearsals/rehearsal-schedule-job";
import { startRollbackWorker } from "@/lib/rollbacks/rollback-queue";
import { ensureQueue, getBoss, stopBoss } from "./boss";
import { rollbackOutcomes } from "./rollback-outcomes";

/*
 * The evaluator's schedule. pg-boss cron has one-minute granularity and policies may ask for
 * 5-second ticks, so each policy runs as a self-rescheduling chain of `metrics-evaluate` jobs:
 * a job evaluates its policy, then sends the next one for one interval after it started.
 *
 * - `metrics-evaluate` is a "stately" queue keyed by policy id: at most one queued and one
 *   active job per policy across every worker, so chains never multiply and two workers never
 *   evaluate one policy at once. Inside, a per-deployment advisory lock and the "one open
 *   detection" unique index make a second firing impossible even if they did, and a job that
 *   comes less than an interval after the policy's last evaluation (a dispatch queued beside a
 *   running chain) only reschedules it.
 * - `metrics-evaluate-due` runs every minute (and once at start): it sends each policy's next
 *   job, which the stately queue drops when the chain is alive. This starts new policies and
 *   revives chains a crashed worker dropped, within a minute.
 * - `metrics-retention` runs daily (and once at start): it makes the metric tables' day partitions a
 *   week ahead and drops the days older than METRICS_RETENTION_DAYS (lib/metrics/retention.ts).
 * - `audit-chain-verify` re-computes the audit log's hash chain hourly (lib/audit/audit-chain-job.ts).
 */

export const EVALUATE_QUEUE = "metrics-evaluate";
export const DISPATCH_QUEUE = "metrics-evaluate-due";
export const RETENTION_QUEUE = "metrics-retention";

type EvaluateJob = { policyId: string };
type Log = (line: string) => void;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function sendEvaluation(boss: PgBoss, policyId: string, startAfter: Date): Promise<void> {
  await boss.send(EVALUATE_QUEUE, { policyId } satisfies EvaluateJob, { singletonKey: policyId, startAfter, retryLimit: 0 });
}

/** Sends each policy's next evaluation (a no-op for policies whose chain is alive). */
export async function dispatchDueEvaluations(boss: PgBoss, now = Date.now()): Promise<number> {
  const policies = await db().rollbackPolicy.findMany({ select: { id: true, evaluationIntervalSeconds: true, lastEvaluatedAt: true } });
  for (const p of policies) {
    const due = (p.lastEvaluatedAt?.getTime() ?? 0) + p.evaluationIntervalSeconds * 1000;
    await sendEvaluation(boss, p.id, new Date(Math.max(now, due)));
  }
  return policies.length;
}

async function runEvaluation(boss: PgBoss, policyId: string, log: Log): Promise<void> {
  const startedAt = Date.now();
  let nextAt: number | null = null;
  try {
    const outcome = await evaluatePolicy(policyId, { log, onlyIfDue: true });
    if (outcome.status === "busy") nextAt = startedAt + 1000;
    else if (outcome.status === "not_due") nextAt = outcome.dueAt;
    else if (outcome.status === "evaluated") nextAt = outcome.evaluatedAt + outcome.intervalSeconds * 1000;
  } catch (error) {
    log(`evaluating policy ${policyId} failed: ${messageOf(error)}`);
    await recordEvaluationError(policyId, messageOf(error)).catch((recordError: unknown) => log(`recording the failure of policy ${policyId} failed too: ${messageOf(recordError)}`));
    // Keep the chain going; a failure is usually transient (e.g. the database restarting).
    nextAt = startedAt + 5000;
  }
  // A deleted policy (status "missing") ends its chain.
  if (nextAt !== null) await sendEvaluation(boss, policyId, new Date(Math.max(Date.now(), nextAt)));
}

export interface WorkerOptions {
  log?: Log;
  /** Also work the rollback queue (the default); tests of the evaluator alone turn it off. */
  rollbacks?: boolean;
}

/**
 * Registers every background handler (canary evaluation, retention, rollback execution) and
 * the schedules on the process's pg-boss. `stop()` lets running handlers finish, then stops pg-boss.
 */
export async function startWorker(options: WorkerOptions = {}): Promise<{ stop: () => Promise<void> }> {
  const log = options.log ?? ((line: string) => console.log(`[worker] ${line}`));
  const boss = await getBoss();
  await ensureQueue(boss, { name: EVALUATE_QUEUE, policy: "stately", retryLimit: 0, expireInSeconds: 300 });
  await ensureQueue(boss, { name: DISPATCH_QUEUE, policy: "singleton", retryLimit: 0, expireInSeconds: 300 });
  await ensureQueue(boss, { name: RETENTION_QUEUE, policy: "singleton", retryLimit: 2, expireInSeconds: 3600 });

  const workerIds: string[] = [];
  // Two consumers so one slow evaluation does not hold up every other deployment's tick.
  for (let i = 0; i < 2; i++) {
    workerIds.push(
      await boss.work<EvaluateJob>(EVALUATE_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
        if (job) await runEvaluation(boss, job.data.policyId, log);
      }),
    );
  }
  workerIds.push(
    await boss.work(DISPATCH_QUEUE, { pollingIntervalSeconds: 2 }, async () => {
      await dispatchDueEvaluations(boss);
    }),
  );
  workerIds.push(
    await boss.work(RETENTION_QUEUE, { pollingIntervalSeconds: 10 }, async () => {
      const { created, dropped, cutoff } = await maintainMetricPartitions();
      log(`retention: made ${created} day partitions ahead, dropped ${dropped} wholly older than ${cutoff.toISOString()}`);
    }),
  );
  await boss.schedule(DISPATCH_QUEUE, "* * * * *");
  await boss.schedule(RETENTION_QUEUE, "17 3 * * *");
  await boss.send(DISPATCH_QUEUE, {});
  await boss.send(RETENTION_QUEUE, {});
  workerIds.push(await registerRehearsalSchedule(boss, (line) => log(`rehearsals: ${line}`)));
  workerIds.push(await registerAuditChainCheck(boss, (line) => log(`audit chain: ${line}`)));

  const rollbacks = options.rollbacks === false ? null : await startRollbackWorker({ outcomes: rollbackOutcomes, log: (line) => log(`rollbacks: ${line}`) });
  log("canary evaluation, retention and rollback execution are running");

  return {
    stop: async () => {
      await rollbacks?.stop();
      await Promise.all(workerIds.map((id) => boss.offWork({ id })));
      await stopBoss();
    },
  };
}
