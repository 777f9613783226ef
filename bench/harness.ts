// Shared by the benchmarks: a throwaway database, the real production server on it, and a token.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { openThrowawayDatabase, projectRoot, type LocalDatabase } from "@/lib/platform/local-database";

export interface BenchServer {
  baseUrl: string;
  database: LocalDatabase;
  stop: () => Promise<void>;
}

const say = (line: string) => console.log(`[bench] ${line}`);

/**
 * Starts a throwaway PostgreSQL (embedded, or a new database on DATABASE_URL's server) and the
 * web server `npm start` runs (scripts/serve.ts) on the production build in `.next-bench` against
 * it, with no background worker.
 */
export async function startBenchServer(port: number): Promise<BenchServer> {
  const database = await openThrowawayDatabase({ databaseUrl: process.env.DATABASE_URL, label: "bench" });
  process.env.DATABASE_URL = database.url;
  process.env.NEXTAUTH_SECRET ??= "bench-secret-0123456789abcdef";
  process.env.NEXT_DIST_DIR ??= ".next-bench";
  const { ensureProductionBuild } = await import("@/lib/platform/next-build");
  await ensureProductionBuild(say, process.env.NEXT_DIST_DIR);
  // BENCH_PROFILE=<folder>: the server writes a V8 CPU profile there when it stops (open it in
  // Chrome's DevTools), to see where a benchmark's time goes inside the server.
  const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`] : [];
  const server: ChildProcess = spawn(process.execPath, [...profile, "--import", "tsx", path.join(projectRoot, "scripts/serve.ts")], {
    cwd: projectRoot,
    env: { ...process.env, PORT: String(port), NEXT_TELEMETRY_DISABLED: "1", NEXTAUTH_URL: `http://127.0.0.1:${port}`, REVERSEGATE_WORKER: "off" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("the server did not come up within 120 s");
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseUrl,
    database,
    stop: async () => {
      await new Promise<void>((resolve) => {
        if (server.exitCode !== null) return resolve();
        server.once("exit", () => resolve());
        server.kill("SIGTERM");
      });
      const { db } = await import("@/lib/db");
      await db().$disconnect();
      const { closeMetricsPool } = await import("@/lib/metrics/pg-pool");
      await closeMetricsPool();
      await database.release();
    },
  };
}

/** A bench deployment (v1 prior, v2 live since `promotedAt`) and an OPERATOR token for it. */
export async function benchDeployment(promotedAt: Date) {
  const { makeMetricsDeployment } = await import("@/lib/metrics/test-deployment");
  const { makeToken } = await import("@/lib/testing/factories");
  const deployment = await makeMetricsDeployment({ promotedAt });
  const { token } = await makeToken("OPERATOR");
  return { ...deployment, token };
}

/** The benches' canary accuracy at `t`: an hourly wave around 0.91, the live version 0.005 better. */
export const canaryValueAt = (t: number, live: boolean) => 0.91 + 0.005 * Math.sin(t / 3_600_000) + (live ? 0.005 : 0);

/**
 * Stores 10-second `canary_accuracy` points of the prior and the live version from `from` to `to`,
 * a day per insert, the live one slightly better; returns how many were stored.
 */
export async function storeCanaryHistory(deploymentId: number, versions: { prior: number; live: number }, from: number, to: number): Promise<number> {
  const { storeResolvedPoints } = await import("@/lib/metrics/sources/push/store");
  let stored = 0;
  for (let t0 = from; t0 < to; t0 += 86_400_000) {
    const times: number[] = [];
    for (let t = t0; t < Math.min(to, t0 + 86_400_000); t += 10_000) times.push(t);
    for (const versionId of [versions.prior, versions.live]) {
      stored += await storeResolvedPoints({
        deploymentIds: times.map(() => deploymentId),
        metrics: times.map(() => "canary_accuracy"),
        versionIds: times.map(() => versionId),
        times,
        values: times.map((t) => canaryValueAt(t, versionId === versions.live)),
        counts: times.map(() => 20),
      });
    }
  }
  return stored;
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** One row of `npm run bench`'s table: what was measured, the figure, and the target if the issue names one. */
export interface Figure {
  measure: string;
  value: string;
  target?: string;
  met?: boolean;
}

/**
 * Prints a benchmark's figures and, under `npm run bench` (BENCH_REPORT names a file), appends
 * them as one JSON line for the table.
 */
export async function report(bench: string, figures: Figure[]): Promise<void> {
  for (const f of figures) console.log(`${bench}: ${f.measure} ${f.value}${f.target ? ` (target ${f.target}${f.met === undefined ? "" : f.met ? ", met" : ", NOT met"})` : ""}`);
  const file = process.env.BENCH_REPORT;
  if (!file) return;
  const { appendFile } = await import("node:fs/promises");
  await appendFile(file, `${JSON.stringify({ bench, figures })}\n`);
}
