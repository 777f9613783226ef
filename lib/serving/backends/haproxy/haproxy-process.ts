// A real HAProxy (Debian's haproxy 2.6) for tests and the split benchmark: one upstream HTTP server
// per version that answers with its version, a frontend on a free port, a backend with one server
// per version, and the Runtime API on a TCP and a unix stats socket. HAProxy runs in master-worker
// mode in the foreground, so `reload()` is a real reload (SIGUSR2), which resets runtime weights.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findFreePort } from "@/lib/platform/free-port";
import { runCommands, type StatsSocket } from "./runtime-api";

export const HAPROXY_BIN = existsSync("/usr/sbin/haproxy") ? "/usr/sbin/haproxy" : "haproxy";
export const HAPROXY_BACKEND = "router";

export type HaproxyProcess = {
  /** `ipv4@127.0.0.1:PORT`, as a deployment's `socket`. */
  tcpSocket: string;
  /** The unix stats socket's path. */
  unixSocket: string;
  frontendUrl: string;
  /** Sends `count` requests through the frontend and counts the answers per version. */
  split: (count: number) => Promise<Record<string, number>>;
  /** A reload: the master starts a new worker on the same haproxy.cfg; runtime weights go back to it. */
  reload: () => Promise<void>;
  stop: () => Promise<void>;
};

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** Starts HAProxy with a server per version at the weight given in haproxy.cfg (e.g. `{v13: 0, v14: 100}`). */
export async function startHaproxy(weights: Record<string, number>): Promise<HaproxyProcess> {
  const dir = await mkdtemp(join(tmpdir(), "rg-haproxy-"));
  const upstreams = Object.keys(weights).map((version) => ({
    version,
    server: createServer((_request, response) => {
      response.setHeader("content-type", "text/plain");
      response.end(version);
    }),
  }));
  const upstreamPorts = await Promise.all(upstreams.map((u) => listen(u.server)));
  const frontendPort = await findFreePort();
  const statsPort = await findFreePort();
  const unixSocket = join(dir, "admin.sock");
  const config = [
    "global",
    `  stats socket ipv4@127.0.0.1:${statsPort} level admin`,
    `  stats socket ${unixSocket} mode 600 level admin`,
    "defaults",
    "  mode http",
    "  timeout connect 2s",
    "  timeout client 10s",
    "  timeout server 10s",
    "frontend models",
    `  bind 127.0.0.1:${frontendPort}`,
    `  default_backend ${HAPROXY_BACKEND}`,
    `backend ${HAPROXY_BACKEND}`,
    "  balance roundrobin",
    ...upstreams.map((u, i) => `  server ${u.version} 127.0.0.1:${upstreamPorts[i]} weight ${weights[u.version]}`),
    "",
  ].join("\n");
  const configPath = join(dir, "haproxy.cfg");
  await writeFile(configPath, config);

  const child = spawn(HAPROXY_BIN, ["-W", "-db", "-f", configPath], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let running = true;
  void exited.then(() => (running = false));

  const stats: StatsSocket = { kind: "tcp", host: "127.0.0.1", port: statsPort, label: `127.0.0.1:${statsPort}` };
  const workerPid = async () => {
    const [info = ""] = await runCommands(stats, ["show info"], 1_000);
    return /^Pid: (\d+)$/m.exec(info)?.[1] ?? null;
  };
  /** Waits for a worker other than `other` to answer; `nudge` is called again each second it has not. */
  const waitForWorker = async (other: string | null, nudge: () => void = () => {}) => {
    const deadline = Date.now() + 10_000;
    let nudgedAt = Date.now();
    nudge();
    for (;;) {
      if (!running) throw new Error(`haproxy exited:\n${log}`);
      const pid = await workerPid().catch(() => null);
      if (pid !== null && pid !== other) return;
      if (Date.now() > deadline) throw new Error(`haproxy's worker did not answer on its stats socket in 10 s:\n${log}`);
      if (Date.now() - nudgedAt > 1_000) {
        nudgedAt = Date.now();
        nudge();
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const stop = async () => {
    if (running) {
      child.kill("SIGTERM");
      await exited;
    }
    await Promise.all(upstreams.map((u) => new Promise<void>((resolve) => u.server.close(() => resolve()))));
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitForWorker(null);
  } catch (error) {
    await stop();
    throw error;
  }

  const frontendUrl = `http://127.0.0.1:${frontendPort}/`;
  return {
    tcpSocket: `ipv4@127.0.0.1:${statsPort}`,
    unixSocket,
    frontendUrl,
    split: async (count) => {
      const counts: Record<string, number> = {};
      let sent = 0;
      // A few requests at a time over keep-alive connections; HAProxy balances each HTTP request.
      const worker = async () => {
        while (sent < count) {
          sent++;
          const body = await (await fetch(frontendUrl)).text();
          counts[body] = (counts[body] ?? 0) + 1;
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      return counts;
    },
    reload: async () => {
      // Right after start the master may not handle signals yet and drops one: send it again until a new worker answers.
      await waitForWorker(await workerPid(), () => child.kill("SIGUSR2"));
    },
    stop,
  };
}
