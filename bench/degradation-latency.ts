// `npm run bench:degrade`: from an operator's level change (setDegradation, what the dashboard's
// button reaches through PUT /api/v1/…/degradation: the intent transaction, the signed serving
// call, the outcome transaction) to the serving simulator reporting that level, over RUNS changes
// (default 40), alternating fallback and normal. Throwaway database and the real simulator
// process; the browser → Next hop and the route's token and idempotency checks are not counted.
import { openThrowawayDatabase } from "@/lib/platform/local-database";
import { percentile, report } from "./harness";

const RUNS = Number(process.env.RUNS ?? 40);
const say = (line: string) => console.log(`[bench:degrade] ${line}`);

async function main() {
  const database = await openThrowawayDatabase({ databaseUrl: process.env.DATABASE_URL, label: "bench_degrade" });
  process.env.DATABASE_URL = database.url;
  process.env.NEXTAUTH_SECRET ??= "bench-secret-0123456789abcdef";
  const { db } = await import("@/lib/db");
  const { makeDeployment, makeUser } = await import("@/lib/testing/factories");
  const { newRequestId } = await import("@/lib/mutation");
  const { setDegradation } = await import("@/lib/degradation/set-degradation");
  const { startSimulatorProcess } = await import("@/lib/rollbacks/simulator-process");

  const sim = await startSimulatorProcess();
  const samples: number[] = [];
  try {
    const { actor } = await makeUser("OPERATOR");
    const { deployment } = await makeDeployment({ versions: ["v13", "v14"], serving: { kind: "http", baseUrl: sim.url } });
    await sim.serving.pinVersion(deployment.slug, { version: "v13" });
    await sim.serving.pinVersion(deployment.slug, { version: "v14" });
    for (let run = 0; run < RUNS; run++) {
      const level = run % 2 === 0 ? "fallback" : "normal";
      const startedAt = performance.now();
      await setDegradation({ actor, requestId: newRequestId() }, { deploymentSlug: deployment.slug, level, reason: "bench", origin: "manual", idempotencyKey: `bench-${run}` });
      for (;;) {
        if ((await sim.serving.getStatus(deployment.slug)).degradation?.level === level) break;
        if (performance.now() - startedAt > 10_000) throw new Error(`run ${run}: the simulator does not report ${level} after 10 s`);
      }
      samples.push(performance.now() - startedAt);
    }
  } finally {
    await sim.stop();
    await db().$disconnect();
    await database.release();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  say(`${sorted.length} level changes, operator's change → simulator reports the level`);
  say(`min ${ms(sorted[0]!)}  max ${ms(sorted.at(-1)!)}`);
  await report("degrade", [
    { measure: `level change → serving reports it, p50 (${sorted.length})`, value: ms(percentile(sorted, 50)) },
    { measure: `level change → serving reports it, p95 (${sorted.length})`, value: ms(percentile(sorted, 95)) },
  ]);
}

main().catch((error: unknown) => {
  console.error("[bench:degrade] failed:", error instanceof Error ? error.message : error);
  process.exit(1);
});
