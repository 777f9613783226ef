import { existsSync, readFileSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { EMBEDDED_APP_ROLE, dropAppRole, ensureAppRole, grantAppRole, roleOf } from "./app-role";
import { startEmbeddedPostgres, withDatabase, type RunningPostgres } from "./embedded-postgres";
import { installJobSchema } from "./job-schema";
import { applyMigrations, ensureDatabase, withClient } from "./migrate";

export const projectRoot = path.resolve(import.meta.dirname, "../..");
export const dataDir = path.join(projectRoot, ".data");
const clusterDir = path.join(dataDir, "postgres");
const runtimeFile = path.join(dataDir, "runtime.json");
const DEFAULT_EMBEDDED_PORT = 54329;

export type LocalDatabase = {
  /** What the app connects with: on the embedded default a role that owns nothing (app-role.ts). */
  url: string;
  /** The owner: migrations and psql. The same as `url` when DATABASE_URL alone names one role. */
  ownerUrl: string;
  /** True when this is the embedded PostgreSQL (demo data may be seeded into it). */
  embedded: boolean;
  /** The embedded cluster when this process started it (fault tests restart it). */
  cluster?: RunningPostgres;
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

type Runtime = { databaseUrl: string; ownerUrl?: string; pid: number };

/** The URLs of the embedded cluster another process (e.g. `npm start`) is running, if any. */
function runningEmbedded(): { url: string; ownerUrl: string } | null {
  if (!existsSync(runtimeFile)) return null;
  try {
    const runtime = JSON.parse(readFileSync(runtimeFile, "utf8")) as Runtime;
    return processAlive(runtime.pid) ? { url: runtime.databaseUrl, ownerUrl: runtime.ownerUrl ?? runtime.databaseUrl } : null;
  } catch {
    return null;
  }
}

/**
 * What needs the owner: migrations and pg-boss's schema, then the grants of the app's role when it
 * is another role (granted every time, so tables that new migrations add are covered).
 */
async function migrateAsOwner(ownerUrl: string, appRole?: string): Promise<void> {
  await applyMigrations(ownerUrl);
  await installJobSchema(ownerUrl);
  if (appRole && appRole !== roleOf(ownerUrl)) await grantAppRole(ownerUrl, appRole);
}

/** Creates the database if missing, migrates it and makes the app's role: returns the app's URL. */
async function prepareWithAppRole(ownerUrl: string, appRole: string): Promise<string> {
  await ensureDatabase(ownerUrl);
  await migrateAsOwner(ownerUrl);
  return ensureAppRole(ownerUrl, appRole);
}

/**
 * The database the app uses: `DATABASE_URL` when set, otherwise the embedded PostgreSQL kept in
 * `.data/postgres` (reused when another process already runs it, started otherwise). Migrations
 * are applied either way, as the owner: `MIGRATION_DATABASE_URL` when given, else `DATABASE_URL`.
 * The embedded default connects the app as its own role with only the rights it needs.
 */
export async function openLocalDatabase(options: {
  databaseUrl?: string;
  /** The owner of a database of your own, when the app's DATABASE_URL signs in as another role. */
  migrationDatabaseUrl?: string;
  embeddedPort?: number;
  /** Announce the cluster in .data/runtime.json so CLIs can reach it while we run. */
  announce?: boolean;
  log?: (line: string) => void;
  /** Where the cluster lives when it cannot be kept in .data (see startEmbeddedPostgres). */
  notice?: (line: string) => void;
}): Promise<LocalDatabase> {
  if (options.databaseUrl) {
    const ownerUrl = options.migrationDatabaseUrl ?? options.databaseUrl;
    await migrateAsOwner(ownerUrl, roleOf(options.databaseUrl));
    return { url: options.databaseUrl, ownerUrl, embedded: false, release: async () => {} };
  }
  const shared = runningEmbedded();
  if (shared) {
    await migrateAsOwner(shared.ownerUrl, roleOf(shared.url));
    return { ...shared, embedded: true, release: async () => {} };
  }
  const cluster: RunningPostgres = await startEmbeddedPostgres({
    dataDir: clusterDir,
    port: options.embeddedPort ?? DEFAULT_EMBEDDED_PORT,
    persistent: true,
    log: options.log,
    notice: options.notice,
  });
  const ownerUrl = withDatabase(cluster.serverUrl, "reversegate");
  const url = await prepareWithAppRole(ownerUrl, EMBEDDED_APP_ROLE);
  if (options.announce) await writeFile(runtimeFile, JSON.stringify({ databaseUrl: url, ownerUrl, pid: process.pid } satisfies Runtime), { mode: 0o600 });
  return {
    url,
    ownerUrl,
    embedded: true,
    cluster,
    release: async () => {
      if (options.announce) await rm(runtimeFile, { force: true });
      await cluster.stop();
    },
  };
}

/**
 * A throwaway cluster and database (tests, e2e): removed when released. The app's role is made as
 * on the embedded default; on the server `databaseUrl` names it is one per database (so that URL's
 * role needs CREATEDB and CREATEROLE) and is dropped with it.
 */
export async function openThrowawayDatabase(options: { databaseUrl?: string; label: string }): Promise<LocalDatabase> {
  const name = `rg_${options.label}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const serverUrl = options.databaseUrl;
  if (serverUrl) {
    const ownerUrl = withDatabase(serverUrl, name);
    const role = `${name}_app`;
    const url = await prepareWithAppRole(ownerUrl, role);
    return {
      url,
      ownerUrl,
      embedded: false,
      release: async () => {
        await dropDatabase(ownerUrl);
        await dropAppRole(serverUrl, role);
      },
    };
  }
  const dir = path.join(dataDir, "throwaway", name);
  const cluster = await startEmbeddedPostgres({ dataDir: dir, persistent: false });
  const ownerUrl = withDatabase(cluster.serverUrl, name);
  const url = await prepareWithAppRole(ownerUrl, EMBEDDED_APP_ROLE);
  return {
    url,
    ownerUrl,
    embedded: true,
    cluster,
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
  await withClient(url.toString(), (client) => client.query(`DROP DATABASE IF EXISTS "${name.replaceAll('"', '""')}" WITH (FORCE)`));
}
