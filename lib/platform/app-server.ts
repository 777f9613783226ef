import { createServer, type IncomingMessage, type RequestListener, type Server } from "node:http";
import { MAX_BACKOFF_MS } from "@/lib/polling";
import type { DirectRoutes } from "./direct-routes";
import { isIngestion, type IngestionProcess } from "./ingestion-process";

// The app's own HTTP server (scripts/serve.ts) sits in front of Next for two reasons. Next keeps a
// client's X-Forwarded-For as it is and so hides the real peer: here the connection's address is
// appended, as each proxy of a chain does, so the last entry is always one a client cannot write
// (lib/security/request-origin.ts reads it, skipping TRUST_PROXY trusted proxies). And Node closes
// a connection idle for 5 s, shorter than any poll of the dashboard.

/** Appends the address this connection came from to X-Forwarded-For. */
export function appendPeerAddress(request: IncomingMessage): void {
  const peer = request.socket.remoteAddress ?? "unknown";
  const sent = request.headers["x-forwarded-for"];
  const chain = Array.isArray(sent) ? sent.join(", ") : sent;
  request.headers["x-forwarded-for"] = chain ? `${chain}, ${peer}` : peer;
}

export const withPeerAddress =
  (handler: RequestListener): RequestListener =>
  (request, response) => {
    appendPeerAddress(request);
    return handler(request, response);
  };

/**
 * How long an idle connection stays open: longer than the slowest poll (a failing one backs off to
 * a minute). Node's 5 s made every 10-second poll open a new connection, and Node accepts one
 * connection per turn of its event loop: under load (turns of 150 ms) an incident room's polls
 * queued for seconds in the kernel before the server saw them.
 */
export const KEEP_ALIVE_MS = MAX_BACKOFF_MS + 5_000;

/**
 * The app's HTTP server around `handler` (Next's): peer address recorded, idle connections kept,
 * batches of points passed to `ingestion` while it is up, and the polled reads `direct` answers.
 */
export function appServer(handler: RequestListener, options: { ingestion?: IngestionProcess; direct?: DirectRoutes } = {}): Server {
  const { ingestion, direct } = options;
  const server = createServer(
    withPeerAddress((request, response) => {
      if (ingestion && isIngestion(request)) return ingestion.take(request, response, handler);
      if (direct?.(request, response)) return;
      return handler(request, response);
    }),
  );
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  return server;
}

/**
 * The ingestion process's own server: behind appServer, whose X-Forwarded-For it keeps as sent;
 * batches go to the route `direct` answers, if given, and anything else to `handler` (Next's).
 */
export function ingestionServer(handler: RequestListener, direct?: DirectRoutes): Server {
  const server = createServer((request, response) => {
    if (direct?.(request, response)) return;
    return handler(request, response);
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  return server;
}
