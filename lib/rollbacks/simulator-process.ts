// Starts the real serving simulator as a child process (tests and the benchmark), on a free port.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createHttpServingAdapter } from "@/lib/serving/backends/http/adapter";
import type { ServingAdapter } from "@/lib/serving/port";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export type SimulatorRequest = { seq: number; method: string; path: string; status: number | null; replayed: boolean };

export type SimulatorProcess = {
  url: string;
  /** The simulator through the HTTP backend's adapter, signed with its secret: what a test reads and arranges. */
  serving: ServingAdapter;
  /** A `/sim/…` control call; throws unless it answers 200. */
  control: (method: string, path: string, body?: unknown) => Promise<unknown>;
  /** Control requests the simulator received, optionally only those to `path`. */
  requests: (path?: string) => Promise<SimulatorRequest[]>;
  stop: () => Promise<void>;
};

/** The simulator's and the app's shared default (SERVING_SIM_SECRET, SERVING_SECRET). */
const DEFAULT_SECRET = "reversegate-demo-serving-secret";

export async function startSimulatorProcess(env: Record<string, string> = {}): Promise<SimulatorProcess> {
  const child = spawn(process.execPath, [join(ROOT, "node_modules/.bin/tsx"), join(ROOT, "lib/serving/simulator/main.ts")], {
    cwd: ROOT,
    // An explicit environment: nothing from the caller's shell leaks into the simulator's config.
    env: { NODE_ENV: "production", SERVING_SIM_PORT: "0", SERVING_SIM_CONSUMER_ACK_MS: "50", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serving simulator not ready in 15 s:\n${stderr}`)), 15_000);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /serving simulator listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`serving simulator exited before it was ready:\n${stderr}`));
    });
  });
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as unknown;
  };
  return {
    url,
    serving: createHttpServingAdapter({ baseUrl: url, secret: env.SERVING_SIM_SECRET ?? DEFAULT_SECRET, timeoutMs: 3_000, retries: 3, backoffBaseMs: 50 }),
    control,
    requests: async (path) => {
      const { requests } = (await control("GET", "/sim/requests")) as { requests: SimulatorRequest[] };
      return path === undefined ? requests : requests.filter((request) => request.path === path);
    },
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
