import type { IncomingMessage, RequestListener } from "node:http";

// The app's own HTTP server (scripts/serve.ts) sits in front of Next for one reason: Next keeps a
// client's X-Forwarded-For as it is and so hides the real peer. Here the connection's address is
// appended, as each proxy of a chain does, so the last entry is always one a client cannot write
// (lib/security/request-origin.ts reads it, skipping TRUST_PROXY trusted proxies).

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
