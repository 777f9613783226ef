import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { FIXED_SECURITY_HEADERS } from "@/lib/security/headers";

// An incident room polls a handful of reads: each open deployment page asks for its chart and its
// degradation every 10 s, the approvals badge every 15 s, a rollback under way every second. Next
// spends about 7 ms of CPU on each request before our handler runs (its router, its proxy, web
// streams); the handler itself, answering from a shared read, under 2 ms. So the app's server
// calls these routes' own handlers, from Next's build, without the router. Authentication, roles,
// validation, shared reads and the security headers are the handler's (lib/api/route.ts), exactly
// as when Next calls it; anything unusual about a request is left to Next. The ingestion process
// takes its batches of points the same way, sparing each batch Next's router, proxy and response
// compression.

/** An app route and the one method answered without Next. */
export type DirectRoute = { method: "GET" | "POST"; path: string };

/** The polled reads (GET only; a request with a body goes to Next). */
export const POLLED_READS: readonly DirectRoute[] = [
  { method: "GET", path: "/api/v1/deployments/[deployment]/series" },
  { method: "GET", path: "/api/v1/deployments/[deployment]/degradation" },
  { method: "GET", path: "/api/v1/rollbacks" },
  { method: "GET", path: "/api/v1/rollbacks/[id]" },
];

/** What the ingestion process takes: batches of points. */
export const INGESTION_ROUTES: readonly DirectRoute[] = [{ method: "POST", path: "/api/v1/metrics" }];

type RouteHandler = (request: Request, segment: { params: Promise<Record<string, string>> }) => Promise<Response>;
/** What Next's build of an app route exports (next/dist/server/route-modules/app-route/module.js). */
type BuiltRoute = { routeModule?: { ensureUserland?: () => Promise<void>; userland?: Partial<Record<DirectRoute["method"], RouteHandler>> } };

interface LoadedRoute {
  method: DirectRoute["method"];
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
}

/** `/api/v1/rollbacks/[id]` → a pattern matching one segment per `[name]`. */
function patternOf(appPath: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = appPath
    .split("/")
    .map((segment) => {
      const dynamic = /^\[(\w+)\]$/.exec(segment);
      if (!dynamic) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(dynamic[1]!);
      return "([^/]+)";
    })
    .join("/");
  return { pattern: new RegExp(`^${source}$`), names };
}

async function loadRoute(distDir: string, { method, path: appPath }: DirectRoute): Promise<LoadedRoute> {
  const require = createRequire(import.meta.url);
  // The same file Next loads, so the same module instances: a change made through Next forgets
  // the shared reads these handlers answer from.
  const { routeModule } = require(path.join(distDir, "server", "app", appPath, "route.js")) as BuiltRoute;
  await routeModule?.ensureUserland?.();
  const handler = routeModule?.userland?.[method];
  if (typeof handler !== "function") throw new Error(`${appPath}: the build has no ${method} handler where Next 16 keeps one`);
  return { method, ...patternOf(appPath), handler };
}

/** One path segment as the handler gets it, or null where Next's own reading could differ. */
function segmentValue(raw: string): string | null {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    return null;
  }
  return value === "." || value === ".." || value.includes("/") ? null : value;
}

export type DirectRoutes = (request: IncomingMessage, response: ServerResponse) => boolean;

/**
 * Loads the handlers of `routes` from the build in `distDir` and returns a request listener that
 * answers a request for one of them and returns true, or returns false and leaves the request to
 * Next: a GET must have no body, a POST's body is the handler's to read (and to cap). A build
 * whose route modules are not shaped as expected (another Next) is an error here, at start,
 * never a wrong answer later.
 */
export async function directRoutes(distDir: string, routes: readonly DirectRoute[]): Promise<DirectRoutes> {
  const loaded = await Promise.all(routes.map((route) => loadRoute(distDir, route)));
  return (request, response) => {
    const hasBody = request.headers["content-length"] !== undefined || request.headers["transfer-encoding"] !== undefined;
    if (request.method === "GET" && hasBody) return false;
    const target = request.url ?? "";
    const queryAt = target.indexOf("?");
    const pathname = queryAt < 0 ? target : target.slice(0, queryAt);
    for (const route of loaded) {
      if (route.method !== request.method) continue;
      const match = route.pattern.exec(pathname);
      if (!match) continue;
      const params: Record<string, string> = {};
      for (const [i, name] of route.names.entries()) {
        const value = segmentValue(match[i + 1]!);
        if (value === null) return false;
        params[name] = value;
      }
      let webRequest: Request;
      try {
        // The parsed headers, not the raw ones: the server has appended the peer to X-Forwarded-For.
        const headers = new Headers();
        for (const [name, value] of Object.entries(request.headers)) {
          for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
        }
        // Parsed first: a request left to Next must keep its body untouched.
        const url = new URL(`http://localhost${target}`);
        // A body streams to the handler as it arrives (Node's `duplex: "half"`, which the DOM types lack).
        const body = route.method === "POST" ? ({ body: bodyStream(request), duplex: "half" } as RequestInit) : {};
        webRequest = new Request(url, { method: route.method, headers, ...body });
      } catch {
        return false;
      }
      void answer(route.handler, webRequest, params, response);
      return true;
    }
    return false;
  };
}

/**
 * The request's body as the web stream a handler reads. Unlike `Readable.toWeb`, cancelling it
 * reads the rest and throws it away, as Node does with a body nobody read: a handler that answers
 * before reading it all (a 413 for a declared length over its limit) leaves a connection that
 * finishes, not one that waits forever for the body to be taken.
 */
function bodyStream(request: IncomingMessage): ReadableStream<Uint8Array> {
  let onData: (chunk: Buffer) => void;
  let onEnd: () => void;
  let onError: (error: Error) => void;
  const detach = () => {
    request.off("data", onData);
    request.off("end", onEnd);
    request.off("error", onError);
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        onData = (chunk) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) request.pause();
        };
        onEnd = () => {
          detach();
          controller.close();
        };
        onError = (error) => {
          detach();
          controller.error(error);
        };
        request.on("data", onData).on("end", onEnd).on("error", onError).pause();
      },
      pull() {
        request.resume();
      },
      cancel() {
        detach();
        request.resume();
      },
    },
    { highWaterMark: 16 },
  );
}

async function answer(handler: RouteHandler, request: Request, params: Record<string, string>, response: ServerResponse): Promise<void> {
  const started = performance.now();
  try {
    const answered = await handler(request, { params: Promise.resolve(params) });
    const body = Buffer.from(await answered.arrayBuffer());
    response.statusCode = answered.status;
    for (const [name, value] of answered.headers) if (name !== "set-cookie") response.setHeader(name, value);
    const cookies = answered.headers.getSetCookie();
    if (cookies.length > 0) response.setHeader("set-cookie", cookies);
    // How long the handler took, for the browser's network panel; Next's answers carry none.
    response.setHeader("server-timing", `app;dur=${(performance.now() - started).toFixed(1)}`);
    response.end(body);
  } catch (error) {
    // The handlers answer every failure themselves (lib/api/route.ts); this is a broken build.
    console.error("[reversegate] a direct read failed:", error instanceof Error ? error.message : error);
    if (response.headersSent) return void response.destroy();
    response.writeHead(500, { ...FIXED_SECURITY_HEADERS, "content-type": "application/json" });
    response.end(JSON.stringify({ error: "INTERNAL", message: "the read failed; see the server log" }));
  } finally {
    // Whatever of the body the handler left unread is read and dropped (see bodyStream).
    if (request.body && !request.bodyUsed) await request.body.cancel().catch(() => undefined);
  }
}
