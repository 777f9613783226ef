// `npm run bench:rollback`: from approving an instant rollback to the serving simulator reporting
// the prior version at 100 %, over RUNS runs (default 40). Throwaway database, the real simulator
// process, and the rollback worker in this process (as `npm start` runs it); no Next server needed.
// AUDIT_CHAIN=off measures the same without the audit log's hash chain, for comparison.
import { openThrowawayDatabase } from "@/lib/platform/local-database";
import { switchAuditChain } from "./audit-chain-switch";
import { percentile, report } from "./harness";

const RUNS = Number(process.env.RUNS ?? 40);
const say = (line: string) => console.log(`[bench:rollback] ${line}`);

async function main() {
  const database = await openThrowawayDatabase({ databaseUrl: process.env.DATABASE_URL, label: "bench_rollback" });
  process.env.DATABASE_URL = database.url;
  process.env.NEXTAUTH_SECRET ??= "bench-secret-0123456789abcdef";
  const chained = process.env.AUDIT_CHAIN !== "off";
  if (!chained) await switchAuditChain(database.ownerUrl, false);
  const { db } = await import("@/lib/db");
  const { stopBoss } = await import("@/lib/jobs/boss");
  const { newRequestId } = await import("@/lib/mutation");
  const { makeDeployment, makeUser } = await import("@/lib/testing/factories");
  const { approveRollback } = await import("@/lib/rollbacks/decide-rollback");
  const { requestRollback } = await import("@/lib/rollbacks/request-rollback");
  const { startRollbackWorker } = await import("@/lib/rollbacks/rollback-queue");
  const { rollbackOutcomes } = await import("@/lib/jobs/rollback-outcomes");
  const { startSimulatorProcess } = await import("@/lib/rollbacks/simulator-process");

  const sim = await startSimulatorProcess();
  const worker = await startRollbackWorker({ outcomes: rollbackOutcomes, concurrency: 1, log: () => {} });
  const serving = sim.serving;
  const operator = await makeUser("OPERATOR");
  const approver = await makeUser("APPROVER");
  const samples: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const { deployment } = await makeDeployment({ versions: ["v13", "v14"], serving: { kind: "http", baseUrl: sim.url } });
      await serving.pinVersion(deployment.slug, { version: "v14" });
      const { id } = await requestRollback(
        { actor: operator.actor, requestId: newRequestId() },
        { deploymentSlug: deployment.slug, mode: "instant", reason: "bench", origin: "manual" },
      );
      const startedAt = performance.now();
      await approveRollback({ actor: approver.actor, requestId: newRequestId() }, id);
      for (;;) {
        const status = await serving.getStatus(deployment.slug);
        if (status.pinnedVersion === "v13" && status.traffic.length === 1 && status.traffic[0]?.version === "v13") break;
        if (performance.now() - startedAt > 30_000) throw new Error(`run ${run}: not at v13 100% after 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      samples.push(performance.now() - startedAt);
      // Let the operation finish (invalidation, verify) so runs do not overlap.
      for (;;) {
        const op = await db().rollbackOperation.findUniqueOrThrow({ where: { id }, select: { status: true, failureReason: true } });
        if (op.status === "COMPLETED") break;
        if (op.status === "FAILED") throw new Error(`run ${run} failed: ${op.failureReason}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  } finally {
    await worker.stop();
    await stopBoss();
    await sim.stop();
    await db().$disconnect();
    await database.release();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  say(`${sorted.length} instant rollbacks, approve → simulator reports the prior at 100 % (audit hash chain ${chained ? "on" : "off"})`);
  say(`p50 ${ms(percentile(sorted, 50))}  p95 ${ms(percentile(sorted, 95))}  min ${ms(sorted[0]!)}  max ${ms(sorted.at(-1)!)}`);
  await report("rollback", [
    { measure: `approve → serving at prior, p50 (${sorted.length} instant)`, value: ms(percentile(sorted, 50)), target: "≤ 500 ms", met: percentile(sorted, 50) <= 500 },
    { measure: `approve → serving at prior, p95 (${sorted.length} instant)`, value: ms(percentile(sorted, 95)), target: "≤ 1000 ms", met: percentile(sorted, 95) <= 1000 },
  ]);
}

main().catch((error: unknown) => {
  console.error("[bench:rollback] failed:", error instanceof Error ? error.message : error);
  process.exit(1);
});
