// The simulator's process-facing shell: node:http in, handler.ts in the middle, JSON out; plus the
// state file and the metrics pusher. Everything that touches a socket, a file or a timer is here.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ZodError } from "zod";
import { IDEMPOTENCY_KEY_HEADER, describeIssues } from "../contract";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from "../signature";
import type { SimulatorEnv } from "./env";
import { handleRequest, type SimOutcome } from "./handler";
import { buildMetricPoints, startMetricsPusher } from "./metrics";
import { createInitialState, restoreSnapshot, serializeSnapshot, type SimulatorState } from "./state";

const MAX_BODY_BYTES = 1024 * 1024;

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:4010, with the real port when 0 was asked for. */
  url: string;
  close: () => Promise<void>;
}

const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error));

function loadState(stateFile: string | undefined): SimulatorState {
  if (stateFile === undefined) return createInitialState();
  let text: string;
  try {
    text = readFileSync(stateFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return createInitialState();
    throw error;
  }
  try {
    return restoreSnapshot(text);
  } catch (error) {
    const detail = error instanceof ZodError ? describeIssues(error) : describeError(error);
    throw new Error(`SERVING_SIM_STATE_FILE ${stateFile} is not a simulator state file (${detail})`);
  }
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === "string" ? value : undefined;
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.destroyed) return;
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

export async function startSimulator(env: SimulatorEnv, log: (line: string) => void): Promise<RunningSimulator> {
  const state = loadState(env.stateFile);
  const settings = { secret: env.secret, consumerAckMs: env.consumerAckMs };
  const delayed = new Set<NodeJS.Timeout>();

  // Written whole and renamed into place, so a crash mid-write never leaves half a file behind.
  let saved = env.stateFile === undefined ? "" : serializeSnapshot(state);
  const persist = () => {
    if (env.stateFile === undefined) return;
    const next = serializeSnapshot(state);
    if (next === saved) return;
    try {
      writeFileSync(`${env.stateFile}.tmp`, next);
      renameSync(`${env.stateFile}.tmp`, env.stateFile);
      saved = next;
    } catch (error) {
      log(`could not save state to ${env.stateFile}: ${describeError(error)}`);
    }
  };

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawBody = await readBody(request);
    if (rawBody === undefined) {
      const message = `bodies are limited to ${MAX_BODY_BYTES} bytes`;
      sendJson(response, 413, { error: "payload_too_large", message }, { connection: "close" });
      return;
    }
    let outcome: SimOutcome;
    try {
      outcome = handleRequest(
        state,
        {
          method: request.method ?? "GET",
          target: request.url ?? "/",
          timestamp: header(request, TIMESTAMP_HEADER),
          signature: header(request, SIGNATURE_HEADER),
          idempotencyKey: header(request, IDEMPOTENCY_KEY_HEADER),
          rawBody,
        },
        { nowMs: Date.now(), random: Math.random },
        settings,
      );
    } catch (error) {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`internal error on ${request.method} ${request.url}: ${detail}`);
      sendJson(response, 500, { error: "internal_error", message: "the simulator failed on this request" });
      return;
    }
    persist();
    if (outcome.kind === "hang") return;
    const { status, body, headers, delayMs } = outcome;
    if (delayMs === 0) {
      sendJson(response, status, body, headers);
      return;
    }
    const timer = setTimeout(() => {
      delayed.delete(timer);
      sendJson(response, status, body, headers);
    }, delayMs);
    delayed.add(timer);
  }

  const server = createServer((request, response) => {
    // A client that disconnects mid-body makes reading fail; that ends this request, not the process.
    serve(request, response).catch((error: unknown) => {
      log(`request ${request.method} ${request.url} failed: ${describeError(error)}`);
      response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.port, env.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = env.host.includes(":") ? `[${env.host}]` : env.host;

  const pusher =
    env.metricsUrl === undefined
      ? undefined
      : startMetricsPusher({
          url: env.metricsUrl,
          token: env.metricsToken,
          intervalMs: env.metricsIntervalMs,
          points: () => buildMetricPoints(state, Date.now(), Math.random),
          log,
        });

  return {
    url: `http://${host}:${port}`,
    close: async () => {
      pusher?.stop();
      for (const timer of delayed) clearTimeout(timer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Hung and keep-alive connections would otherwise hold the process open.
      server.closeAllConnections();
      await closed;
    },
  };
}
