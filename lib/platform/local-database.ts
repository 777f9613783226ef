import { existsSync, readFileSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { startEmbeddedPostgres, withDatabase, type RunningPostgres } from "./embedded-postgres";
import { applyMigrations, ensureDatabase } from "./migrate";

export const projectRoot = path.resolve(import.meta.dirname, "../..");
export const dataDir = path.join(projectRoot, ".data");
const clusterDir = path.join(dataDir, "postgres");
const runtimeFile = path.join(dataDir, "runtime.json");
const DEFAULT_EMBEDDED_PORT = 54329;

export type LocalDatabase = {
  url: string;
  /** True when this is the embedded PostgreSQL (demo data may be seeded into it). */
  embedded: boolean;
  release: () => Promise<void>;
};

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The URL of the embedded cluster another process (e.g. `npm start`) is running, if any. */
function runningEmbeddedUrl(): string | null {
  if (!existsSync(runtimeFile)) return null;
  try {
    const runtime = JSON.parse(readFileSync(runtimeFile, "utf8")) as { databaseUrl: string; pid: number };
    return processAlive(runtime.pid) ? runtime.databaseUrl : null;
  } catch {
    return null;
  }
}

/**
 * The database the app uses: `DATABASE_URL` when set, otherwise the embedded PostgreSQL kept in
 * `.data/postgres` (reused when another process already runs it, started otherwise). Migrations
 * are applied either way.
 */
export async function openLocalDatabase(options: {
  databaseUrl?: string;
  embeddedPort?: number;
  /** Announce the cluster in .data/runtime.json so CLIs can reach it while we run. */
  announce?: boolean;
  log?: (line: string) => void;
}): Promise<LocalDatabase> {
  if (options.databaseUrl) {
    await applyMigrations(options.databaseUrl);
    return { url: options.databaseUrl, embedded: false, release: async () => {} };
  }
  const shared = runningEmbeddedUrl();
  if (shared) {
    await applyMigrations(shared);
    return { url: shared, embedded: true, release: async () => {} };
  }
  const cluster: RunningPostgres = await startEmbeddedPostgres({
    dataDir: clusterDir,
    port: options.embeddedPort ?? DEFAULT_EMBEDDED_PORT,
    persistent: true,
    log: options.log,
  });
  const url = withDatabase(cluster.serverUrl, "reversegate");
  await ensureDatabase(url);
  await applyMigrations(url);
  if (options.announce) await writeFile(runtimeFile, JSON.stringify({ databaseUrl: url, pid: process.pid }));
  return {
    url,
    embedded: true,
    release: async () => {
      if (options.announce) await rm(runtimeFile, { force: true });
      await cluster.stop();
    },
  };
}

/** A throwaway cluster and database (tests, e2e): removed when released. */
export async function openThrowawayDatabase(options: { databaseUrl?: string; label: string }): Promise<LocalDatabase> {
  const name = `rg_${options.label}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  if (options.databaseUrl) {
    const url = withDatabase(options.databaseUrl, name);
    await ensureDatabase(url);
    await applyMigrations(url);
    return { url, embedded: false, release: () => dropDatabase(url) };
  }
  const dir = path.join(dataDir, "throwaway", name);
  const cluster = await startEmbeddedPostgres({ dataDir: dir, persistent: false });
  const url = withDatabase(cluster.serverUrl, name);
  await ensureDatabase(url);
  await applyMigrations(url);
  return {
    url,
    embedded: true,
    release: async () => {
      await cluster.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function dropDatabase(databaseUrl: string) {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = "/postgres";
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replaceAll('"', '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
