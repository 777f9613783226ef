// Real processes for the fault and concurrency suites: a worker (`npm run worker`), the web app
// (as `npm start` serves it), PgBouncer. Each is stopped by the suite, and killed if the test
// process exits without doing so, so a failing test leaves nothing running.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export type Child = {
  name: string;
  pid: number;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
  exitCode: () => number | null;
  /** SIGTERM (an orderly stop), then waits for it to exit. */
  stop: () => Promise<void>;
  /** SIGKILL: the process dies mid-way, as in a crash or an OOM kill. */
  kill: () => Promise<void>;
};

const living = new Set<ChildProcess>();
process.once("exit", () => living.forEach((child) => child.kill("SIGKILL")));

/** Starts `command` and resolves once its output matches `ready` (rejects if it exits first). */
export async function startChild(
  name: string,
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; ready: RegExp; timeoutMs?: number; cwd?: string },
): Promise<Child> {
  const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  living.add(child);
  let output = "";
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      living.delete(child);
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready in ${(options.timeoutMs ?? 60_000) / 1000} s:\n${output}`)), options.timeoutMs ?? 60_000);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (options.ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`));
    });
  }).catch(async (error: unknown) => {
    if (child.exitCode === null) child.kill("SIGKILL");
    await exited;
    throw error;
  });
  const signal = async (how: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(how);
    await exited;
  };
  return {
    name,
    pid: child.pid!,
    output: () => output,
    exitCode: () => child.exitCode,
    stop: () => signal("SIGTERM"),
    kill: () => signal("SIGKILL"),
  };
}

/** The environment a child gets: this process's, minus anything that would point it elsewhere, plus `env`. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = { ...process.env };
  for (const key of ["DATABASE_URL", "VITEST", "VITEST_POOL_ID", "VITEST_WORKER_ID", "NODE_OPTIONS"]) delete inherited[key];
  return { ...inherited, NODE_ENV: "production", ...env };
}

/**
 * `npm run worker` (every background job) against `databaseUrl`, ready once it says it runs. One
 * process (tsx as a loader, not its CLI, which would run the worker in a second process that a
 * SIGKILL of the first leaves running).
 */
export function startWorkerProcess(name: string, databaseUrl: string, env: Record<string, string> = {}): Promise<Child> {
  return startChild(name, process.execPath, ["--import", "tsx", "--conditions=react-server", join(ROOT, "scripts/worker.ts")], {
    env: childEnv({ DATABASE_URL: databaseUrl, ...env }),
    ready: /\[worker\] running/,
  });
}

/**
 * The web app as `npm start` serves it (scripts/serve.ts: the production build behind a server
 * that records each client's address) on `port` against `databaseUrl`, ready once it listens.
 */
export function startWebInstance(name: string, port: number, databaseUrl: string, env: Record<string, string> = {}): Promise<Child> {
  return startChild(name, process.execPath, ["--import", "tsx", join(ROOT, "scripts/serve.ts")], {
    env: childEnv({
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      NEXTAUTH_SECRET: "scale-out-tests-secret-0123456789",
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      NEXT_TELEMETRY_DISABLED: "1",
      REVERSEGATE_DEMO: "0",
      ...env,
    }),
    ready: /web server listening on port/,
  });
}
