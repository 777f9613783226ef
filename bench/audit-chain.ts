// `npm run bench:audit`: what the audit hash chain costs. Audited mutations (one small write and
// one audit event each, through runMutation as the app runs them), with the chain and, for
// comparison, without it (the table as it was before: bench/audit-chain-switch.ts), alternating
// ROUNDS times (default 3): a burst of BURST (default 1,000) concurrent mutations, then SEQUENTIAL
// (default 300) one after another. Then `npm run audit:verify`'s check over a log of
// VERIFY_EVENTS (default 100,000) more events.
import pg from "pg";
import { openThrowawayDatabase } from "@/lib/platform/local-database";
import { switchAuditChain } from "./audit-chain-switch";
import { percentile } from "./harness";

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const BURST = Number(process.env.BURST ?? 1000);
const SEQUENTIAL = Number(process.env.SEQUENTIAL ?? 300);
const VERIFY_EVENTS = Number(process.env.VERIFY_EVENTS ?? 100_000);
const say = (line: string) => console.log(`[bench:audit] ${line}`);

type Sample = { burstMs: number; burstP50: number; burstP95: number; failed: number; sequentialMean: number };

async function main() {
  const database = await openThrowawayDatabase({ databaseUrl: process.env.DATABASE_URL, label: "bench_audit" });
  process.env.DATABASE_URL = database.url;
  const { db } = await import("@/lib/db");
  const { newRequestId, runMutation } = await import("@/lib/mutation");
  const { makeUser } = await import("@/lib/testing/factories");
  const { checkAuditChain } = await import("@/lib/audit/check-audit-chain");
  try {
    const { actor } = await makeUser("ADMIN");
    let n = 0;
    const mutation = async () => {
      const key = `bench-${n++}`;
      const started = performance.now();
      await runMutation({ actor, requestId: newRequestId() }, "ADMIN", async ({ tx, audit }) => {
        await tx.setting.create({ data: { key, value: 1 } });
        await audit({ action: "bench.setting", targetType: "setting", targetId: key, after: { key, value: 1 } });
      });
      return performance.now() - started;
    };
    const measure = async (): Promise<Sample> => {
      const started = performance.now();
      const settled = await Promise.allSettled(Array.from({ length: BURST }, mutation));
      const burstMs = performance.now() - started;
      const latencies = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : [])).sort((a, b) => a - b);
      const failures = settled.flatMap((r) => (r.status === "rejected" ? [r.reason instanceof Error ? r.reason.message.trim().split("\n").at(-1) : String(r.reason)] : []));
      if (failures.length > 0) say(`${failures.length} of ${BURST} failed, e.g. ${failures[0]}`);
      let sequential = 0;
      for (let i = 0; i < SEQUENTIAL; i++) sequential += await mutation();
      return { burstMs, burstP50: percentile(latencies, 50), burstP95: percentile(latencies, 95), failed: failures.length, sequentialMean: sequential / SEQUENTIAL };
    };
    await measure(); // warm-up: connections, query plans
    const samples: Record<"chained" | "unchained", Sample[]> = { chained: [], unchained: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of ["chained", "unchained"] as const) {
        await switchAuditChain(database.ownerUrl, mode === "chained");
        samples[mode].push(await measure());
      }
    }
    await switchAuditChain(database.ownerUrl, true);
    const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);
    const ms = (value: number) => `${value.toFixed(1)} ms`;
    say(`${ROUNDS} rounds, medians; each: ${BURST} concurrent audited mutations, then ${SEQUENTIAL} sequential`);
    for (const mode of ["unchained", "chained"] as const) {
      const s = samples[mode];
      say(
        `${mode.padEnd(9)} burst ${ms(median(s.map((x) => x.burstMs)))} (${(BURST / (median(s.map((x) => x.burstMs)) / 1000)).toFixed(0)}/s, ` +
          `latency p50 ${ms(median(s.map((x) => x.burstP50)))} p95 ${ms(median(s.map((x) => x.burstP95)))}, ${s.reduce((sum, x) => sum + x.failed, 0)} failed in all)  ` +
          `sequential ${ms(median(s.map((x) => x.sequentialMean)))} per mutation`,
      );
    }

    // The unchained stretches are no part of the chain: remove them (as the owner, guards off).
    // The chain links across the gaps they leave, so it verifies.
    const owner = new pg.Client({ connectionString: database.ownerUrl });
    await owner.connect();
    await owner.query("BEGIN");
    await owner.query("SET LOCAL session_replication_role = replica");
    await owner.query(`DELETE FROM "AuditEvent" WHERE hash = ''`);
    await owner.query("COMMIT");
    await owner.end();
    // A bigger log for the check: VERIFY_EVENTS chained events appended in one statement.
    const bulkStarted = performance.now();
    await db().$executeRaw`
      INSERT INTO "AuditEvent" ("actorType", "actorLabel", "action", "targetType", "targetId", "after", "requestId")
      SELECT 'SYSTEM', 'bench', 'bench.bulk', 'bench', g::text, jsonb_build_object('n', g, 'note', 'a bulk event'), 'bench'
        FROM generate_series(1, ${VERIFY_EVENTS}) g`;
    const bulkMs = performance.now() - bulkStarted;
    say(`bulk append in one statement: ${VERIFY_EVENTS} chained events in ${ms(bulkMs)} (${((VERIFY_EVENTS / bulkMs) * 1000).toFixed(0)}/s)`);
    const verified = await checkAuditChain("cli");
    say(`verify: ${verified.message}; ${verified.durationMs} ms, ${((verified.eventCount / verified.durationMs) * 1000).toFixed(0)} events/s`);
  } finally {
    await db().$disconnect();
    await database.release();
  }
}

main().catch((error: unknown) => {
  console.error("[bench:audit] failed:", error instanceof Error ? error.message : error);
  process.exit(1);
});
