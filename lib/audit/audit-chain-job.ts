import "server-only";
import { ensureQueue } from "@/lib/jobs/boss";
import type PgBoss from "pg-boss";
import { checkAuditChain } from "./check-audit-chain";

export const AUDIT_CHAIN_QUEUE = "audit-chain-verify";
/** Hourly, and once when a worker starts: the audit page shows the newest result. */
export const AUDIT_CHAIN_CRON = "41 * * * *";

/** Registers the verification's schedule and handler on the worker's pg-boss; returns the handler's worker id. */
export async function registerAuditChainCheck(boss: PgBoss, log: (line: string) => void): Promise<string> {
  await ensureQueue(boss, { name: AUDIT_CHAIN_QUEUE, policy: "singleton", retryLimit: 1, expireInSeconds: 1800 });
  await boss.schedule(AUDIT_CHAIN_QUEUE, AUDIT_CHAIN_CRON, {}, { tz: "UTC" });
  const id = await boss.work(AUDIT_CHAIN_QUEUE, async () => {
    const result = await checkAuditChain("schedule");
    if (!result.ok) log(result.message);
  });
  await boss.send(AUDIT_CHAIN_QUEUE, {});
  return id;
}
