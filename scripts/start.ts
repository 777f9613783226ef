// `npm start`: the whole product from one command. Starts (or reuses) PostgreSQL, applies
// migrations, seeds the demo on the embedded database's first start, builds the app when its
// sources changed, then serves it. `--ephemeral` uses a throwaway database (browser tests).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { dataDir, openLocalDatabase, openThrowawayDatabase, projectRoot } from "@/lib/platform/local-database";
import { stopOnUnhandledRejection } from "@/lib/jobs/unhandled-rejections";
import { withExitWithParent } from "@/lib/platform/exit-with-parent";
import { ensureProductionBuild } from "@/lib/platform/next-build";
import { databaseSettings } from "./database-settings";

const { values: args } = parseArgs({ options: { ephemeral: { type: "boolean", default: false } } });
const started = Date.now();
const say = (line: string) => console.log(`[reversegate] ${line}`);
const port = Number(process.env.PORT ?? 3000);

async function persistentSecret(file: string): Promise<string> {
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = randomBytes(32).toString("base64url");
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

async function main() {
  await mkdir(dataDir, { recursive: true });
  const settings = databaseSettings();
  const database = args.ephemeral
    ? await openThrowawayDatabase({ databaseUrl: settings.databaseUrl, label: "e2e" })
    : await openLocalDatabase({ ...settings, announce: true, notice: say });
  process.env.DATABASE_URL = database.url;
  process.env.NEXTAUTH_SECRET ??= await persistentSecret(path.join(dataDir, "nextauth-secret"));
  process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;
  // Demo data only ever goes into a database we made: never into a user's own.
  const demo = database.embedded || args.ephemeral;
  process.env.REVERSEGATE_DEMO = demo ? "1" : "0";

  const children: ChildProcess[] = [];
  let worker: { stop: () => Promise<void> } | null = null;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say("stopping…");
    // The worker first: an executing rollback stops between steps and resumes on the next start,
    // rather than failing because the simulator went away under it.
    await worker?.stop();
    await closeConnections();
    await Promise.all(
      children.map((child) => new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      })),
    );
    await database.release();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  // Whatever goes wrong later, the app, the simulator and the database go down with the launcher,
  // not on as orphans serving a health check while nothing runs the rollbacks.
  const crash = (error: unknown) => {
    console.error(`[reversegate] stopping after an unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    void stop(1);
  };
  process.on("uncaughtException", crash);
  stopOnUnhandledRejection(crash);
  process.once("exit", () => children.forEach((child) => child.exitCode === null && child.kill("SIGTERM")));

  if (demo) {
    const { seedDemo } = await import("@/lib/demo/seed-demo");
    const result = await seedDemo(say);
    if (result === "seeded") say("demo data seeded (first start)");
    // The serving simulator plays the demo's live side: pinned versions, traffic, canary metrics.
    const { startDemoServing } = await import("@/lib/rollbacks/demo-serving");
    const simulator = await startDemoServing({
      root: projectRoot,
      appPort: port,
      simPort: Number(process.env.SERVING_SIM_PORT ?? 4010),
      stateFile: args.ephemeral ? null : path.join(dataDir, "serving-sim-state.json"),
      log: say,
    });
    if (simulator) children.push(simulator);
  }

  // Background jobs (canary evaluation, retention, rollbacks) run in this process unless they run
  // apart as `npm run worker`. Scripts, unlike the app, read their own environment.
  if (process.env.REVERSEGATE_WORKER !== "off") {
    const { startWorker } = await import("@/lib/jobs/worker");
    worker = await startWorker({ log: (line) => say(`worker: ${line}`) });
  }

  const build = await ensureProductionBuild(say, process.env.NEXT_DIST_DIR || ".next");
  if (build === "reused") say("production build is current; not rebuilding");

  // Next behind the app's own server, which records each client's real address (scripts/serve.ts).
  const server = spawn(path.join(projectRoot, "node_modules/.bin/tsx"), [path.join(projectRoot, "scripts/serve.ts")], {
    cwd: projectRoot,
    env: withExitWithParent({ ...process.env, PORT: String(port), NEXT_TELEMETRY_DISABLED: "1" }),
    stdio: ["ignore", "inherit", "inherit"],
  });
  children.push(server);
  server.on("exit", (code) => void stop(code ?? 1));

  await waitForHttp(`http://127.0.0.1:${port}/api/health`);
  const { DEMO_PASSWORD, DEMO_USERS } = await import("@/lib/demo/demo-users");
  const { auditLogProtection } = await import("@/lib/platform/app-role");
  const protection = await auditLogProtection(database.url);
  const lines = [
    `Reversegate is up: http://localhost:${port}  (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    `database: ${database.embedded ? "embedded PostgreSQL" : "DATABASE_URL"} ${redact(database.url)}`,
    protection.tamperProof
      ? `audit log: tamper-proof for the app (it connects as ${protection.role}, which can only append to it) and hash-chained`
      : `audit log: tamper-evident only, not tamper-proof: ${protection.because}. Its hash chain shows a rewrite (npm run audit:verify) but cannot stop one; give the app a role of its own (README: MIGRATION_DATABASE_URL).`,
  ];
  if (database.embedded) lines.push(`  psql as the owner: psql "${database.ownerUrl}"`);
  if (demo) {
    const { demoSummary } = await import("@/lib/demo/seed-demo");
    for (const line of await demoSummary()) lines.push(`demo ${line}`);
    lines.push(`serving simulator: http://127.0.0.1:${process.env.SERVING_SIM_PORT ?? 4010}/v1/deployments/support-router`);
    lines.push(`demo sign-ins (password "${DEMO_PASSWORD}"):`);
    for (const user of DEMO_USERS) lines.push(`  ${user.role.padEnd(9)} ${user.email}`);
  }
  if (!demo) {
    const { db } = await import("@/lib/db");
    if ((await db().user.count()) === 0) {
      lines.push('no users yet: create the first admin with  npm run user -- create --email you@example.com --name "Your Name" --role admin');
    }
  }
  lines.push("Ctrl-C stops the app and the database.");
  console.log(`\n${lines.join("\n")}\n`);
}

/** This process's own database connections, closed before the database stops under them. */
async function closeConnections() {
  const [{ db }, { closeMetricsPool }] = await Promise.all([import("@/lib/db"), import("@/lib/metrics/pg-pool")]);
  await Promise.allSettled([db().$disconnect(), closeMetricsPool()]);
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "****";
  return parsed.toString();
}

async function waitForHttp(url: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.status < 500 || response.status === 503) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

main().catch((error: unknown) => {
  console.error("[reversegate] could not start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
