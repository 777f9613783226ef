// A real PgBouncer (Debian's `pgbouncer`) in transaction pooling mode in front of a test
// database's server, on a free port, with a generated configuration: what many teams put
// between their apps and PostgreSQL.
import { execFile } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { findFreePort } from "@/lib/platform/free-port";
import { lookUpAccount } from "@/lib/platform/postgres-access";
import { startChild } from "./child-process";

export type PgBouncer = {
  /** `databaseUrl` (a URL of the server behind it) as reached through PgBouncer. */
  via: (databaseUrl: string) => string;
  stop: () => Promise<void>;
};

/** The program, on PATH or where Debian puts it (/usr/sbin is not on a normal user's PATH). */
async function pgbouncerProgram(): Promise<string> {
  for (const candidate of ["pgbouncer", "/usr/sbin/pgbouncer", "/usr/local/sbin/pgbouncer"]) {
    const runs = await promisify(execFile)(candidate, ["--version"]).then(
      () => true,
      () => false,
    );
    if (runs) return candidate;
  }
  throw new Error("pgbouncer is not installed: apt-get install pgbouncer (.ci/run does)");
}

/** Starts PgBouncer with `pool_mode = transaction` in front of the server `serverUrl` names. */
export async function startPgBouncer(serverUrl: string, options: { poolSize?: number } = {}): Promise<PgBouncer> {
  const program = await pgbouncerProgram();
  const server = new URL(serverUrl);
  const port = await findFreePort();
  // Readable by the account PgBouncer drops to as root (it refuses to run as root).
  const folder = await mkdtemp(path.join(tmpdir(), "rg-pgbouncer-"));
  await chmod(folder, 0o755);
  const runAs = process.getuid?.() === 0 ? await lookUpAccount("postgres") : null;
  const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
  const files = {
    "userlist.txt": `${quote(decodeURIComponent(server.username))} ${quote(decodeURIComponent(server.password))}\n`,
    "pgbouncer.ini": [
      "[databases]",
      `* = host=${server.hostname} port=${server.port || 5432}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = scram-sha-256",
      `auth_file = ${path.join(folder, "userlist.txt")}`,
      "pool_mode = transaction",
      "max_client_conn = 500",
      `default_pool_size = ${options.poolSize ?? 10}`,
      ...(runAs ? [`user = ${runAs.name}`] : []),
      "",
    ].join("\n"),
  };
  for (const [name, text] of Object.entries(files)) {
    await writeFile(path.join(folder, name), text);
    await chmod(path.join(folder, name), 0o644);
  }
  const bouncer = await startChild("pgbouncer", program, [path.join(folder, "pgbouncer.ini")], {
    env: { ...process.env },
    ready: /process up/,
    timeoutMs: 15_000,
  });
  return {
    via: (databaseUrl) => {
      const url = new URL(databaseUrl);
      url.hostname = "127.0.0.1";
      url.port = String(port);
      return url.toString();
    },
    stop: async () => {
      await bouncer.stop();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
