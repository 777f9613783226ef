// `npm run bench:degrade`: from an operator's level change (the PUT /api/v1/…/degradation handler
// the dashboard's button calls, with its token check, idempotency record, intent and outcome
// transactions) to the serving simulator reporting that level, over RUNS changes (default 40),
// alternating fallback and normal. Throwaway database and the real simulator process; the
// handler runs in this process, so the browser → Next hop (a few ms on loopback) is not counted.
import { openThrowawayDatabase } from "@/lib/platform/local-database";
import { percentile } from "./harness";

const RUNS = Number(process.env.RUNS ?? 40);
const say = (line: string) => console.log(`[bench:degrade] ${line}`);

async function main() {
  const database = await openThrowawayDatabase({ databaseUrl: process.env.DATABASE_URL, label: "bench_degrade" });
  process.env.DATABASE_URL = database.url;
  process.env.NEXTAUTH_SECRET ??= "bench-secret-0123456789abcdef";
  const { db } = await import("@/lib/db");
  const { makeDeployment, makeToken } = await import("@/lib/testing/factories");
  const { apiRequest, params } = await import("@/lib/testing/http");
  const { PUT } = await import("@/app/api/v1/deployments/[deployment]/degradation/route");
  const { startSimulatorProcess } = await import("@/lib/rollbacks/simulator-process");

  const sim = await startSimulatorProcess();
  const samples: number[] = [];
  try {
    const { token } = await makeToken("OPERATOR");
    const { deployment } = await makeDeployment({ versions: ["v13", "v14"], serving: { kind: "http", baseUrl: sim.url } });
    await sim.serving.pinVersion(deployment.slug, { version: "v13" });
    await sim.serving.pinVersion(deployment.slug, { version: "v14" });
    for (let run = 0; run < RUNS; run++) {
      const level = run % 2 === 0 ? "fallback" : "normal";
      const startedAt = performance.now();
      const response = await PUT(
        apiRequest(`/api/v1/deployments/${deployment.slug}/degradation`, { method: "PUT", token, body: { level, reason: "bench" }, headers: { "idempotency-key": `bench-${run}` } }),
        params({ deployment: deployment.slug }),
      );
      if (response.status !== 200) throw new Error(`run ${run}: ${response.status} ${await response.text()}`);
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
  say(`${sorted.length} level changes, operator's PUT → simulator reports the level`);
  say(`p50 ${ms(percentile(sorted, 50))}  p95 ${ms(percentile(sorted, 95))}  min ${ms(sorted[0]!)}  max ${ms(sorted.at(-1)!)}`);
}

main().catch((error: unknown) => {
  console.error("[bench:degrade] failed:", error instanceof Error ? error.message : error);
  process.exit(1);
});
