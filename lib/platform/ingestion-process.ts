import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request, type IncomingHttpHeaders, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";

// Canary points arrive as a flood (50,000 a second in the load bench) and each batch costs the
// process that parses and stores it tens of milliseconds at a time. In the web server that is time
// every reader of a chart waits behind. So the web server hands POST /api/v1/metrics to a second
// server process of the same app, on a private Unix socket, and keeps its own turns for readers.

/** The one request the ingestion process takes: a batch of points. */
export const isIngestion = (request: IncomingMessage) => request.method === "POST" && /^\/api\/v1\/metrics(\?|$)/.test(request.url ?? "");

/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection and are not passed on. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);
const endToEnd = (headers: IncomingHttpHeaders) => Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));

export interface IngestionProcess {
  /**
   * Passes a batch to the process and its answer back (503 naming the cause if the process fails
   * mid-way). While the process starts (the first batch starts it), the batch waits for it, up to
   * START_WAIT_MS; when it is not up by then, or not starting (it died and waits to be started
   * again), `inWebServer` stores the batch.
   */
  take: (request: IncomingMessage, response: ServerResponse, inWebServer: RequestListener) => void;
  stop: () => void;
}

/**
 * How long a batch waits for a starting process (about 5 s on a busy 2-core machine). Stored by
 * the web server instead, a flood of batches would take the web server's turns from every reader
 * while the process starts, as the load bench saw: waits of 5 s.
 */
export const START_WAIT_MS = 15_000;

/** The wait before starting a dead process again: doubled for each start that never listened. */
const RESTART_AFTER_MS = 1_000;
const MAX_RESTART_AFTER_MS = 60_000;

/**
 * The ingestion process: `script` (this app's server), started once points first arrive (a web
 * server that never ingests runs none), listening on a socket in a directory only this user can
 * enter, and started again if it dies.
 */
export function ingestionProcess(script: string, log: (line: string) => void): IngestionProcess {
  let folder: string | undefined;
  const agent = new Agent({ keepAlive: true });
  let child: ChildProcess | undefined;
  let listening = false;
  let starting = false;
  let stopping = false;
  /** Batches waiting for the starting process: told whether it came up. */
  const waiting = new Set<(up: boolean) => void>();
  const release = (up: boolean) => {
    for (const waiter of waiting) waiter(up);
    waiting.clear();
  };
  let restartAfterMs = RESTART_AFTER_MS;
  const socketPath = () => path.join((folder ??= mkdtempSync(path.join(tmpdir(), "reversegate-ingest-"))), "http.sock");

  const start = () => {
    rmSync(socketPath(), { force: true });
    const started = fork(script, [], { execArgv: ["--import", "tsx"], env: { ...process.env, REVERSEGATE_SERVE_SOCKET: socketPath() }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    child = started;
    starting = true;
    started.on("message", (message) => {
      if (message !== "listening") return;
      listening = true;
      starting = false;
      restartAfterMs = RESTART_AFTER_MS;
      log(`ingestion process ${started.pid} takes POST /api/v1/metrics`);
      release(true);
    });
    started.on("exit", (code, signal) => {
      const wasListening = listening;
      listening = false;
      starting = false;
      release(false);
      if (stopping) return;
      log(`ingestion process ${started.pid} stopped (${signal ?? code}); the web server ingests until it is back`);
      setTimeout(() => stopping || start(), restartAfterMs).unref();
      if (!wasListening) restartAfterMs = Math.min(restartAfterMs * 2, MAX_RESTART_AFTER_MS);
    });
  };

  const pass = (incoming: IncomingMessage, response: ServerResponse) => {
    const upstream = request({ socketPath: socketPath(), agent, method: incoming.method, path: incoming.url, headers: endToEnd(incoming.headers) }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
      answer.pipe(response);
    });
    upstream.on("error", (error) => {
      if (response.headersSent) return void response.destroy(error);
      response.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
      response.end(JSON.stringify({ error: "UNAVAILABLE", message: `the ingestion process failed before answering (${error.message}); some of the batch may be stored; sending it again stores each point once` }));
    });
    // A client gone before its answer takes the passed-on request with it, instead of leaving
    // the ingestion process waiting for the rest of a body that will not come.
    response.on("close", () => response.writableFinished || upstream.destroy());
    incoming.pipe(upstream);
  };

  return {
    take: (incoming, response, inWebServer) => {
      if (listening) return pass(incoming, response);
      if (!child && !stopping) start();
      if (!starting) return void inWebServer(incoming, response);
      const timer = setTimeout(() => settle(false), START_WAIT_MS);
      const settle = (up: boolean) => {
        clearTimeout(timer);
        waiting.delete(settle);
        // A client that gave up while its batch waited has nobody left to answer.
        if (response.destroyed) return;
        if (up) pass(incoming, response);
        else inWebServer(incoming, response);
      };
      waiting.add(settle);
    },
    stop: () => {
      stopping = true;
      release(false);
      agent.destroy();
      child?.kill("SIGTERM");
      if (folder) rmSync(folder, { recursive: true, force: true });
    },
  };
}
