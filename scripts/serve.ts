// The production web server `npm start` runs: Next's request handler behind a plain Node server
// that records each connection's real address and keeps idle connections open between polls
// (lib/platform/app-server.ts), and that answers the dashboard's polled reads by calling their
// route handlers without Next's router (lib/platform/direct-routes.ts; REVERSEGATE_DIRECT_ROUTES=off
// leaves them to Next). Batches of points go to a second process of the same app
// (lib/platform/ingestion-process.ts) unless REVERSEGATE_INGEST_PROCESS=off; this script is that
// process too when REVERSEGATE_SERVE_SOCKET names its socket, and calls the batches' route handler
// the same way. Run without the react-server condition: Next renders both sides itself.
import path from "node:path";
import next from "next";
import { appServer, ingestionServer } from "@/lib/platform/app-server";
import { INGESTION_ROUTES, POLLED_READS, directRoutes, type DirectRoute } from "@/lib/platform/direct-routes";
import { ingestionProcess } from "@/lib/platform/ingestion-process";

const port = Number(process.env.PORT ?? 3000);
const socket = process.env.REVERSEGATE_SERVE_SOCKET;
/** How long requests in flight may take to finish once the server is told to stop. */
const STOP_GRACE_MS = 5_000;
const say = (line: string) => console.log(`[reversegate] ${line}`);
const root = path.resolve(import.meta.dirname, "..");

/** The handlers of `routes` called without Next's router, or none (and why, logged) when they cannot be. */
async function direct(routes: readonly DirectRoute[]) {
  if (process.env.REVERSEGATE_DIRECT_ROUTES === "off") return undefined;
  return directRoutes(path.join(root, process.env.NEXT_DIST_DIR || ".next"), routes).catch((error: unknown) => {
    say(`${routes.map((route) => `${route.method} ${route.path}`).join(", ")} go through Next's router: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });
}

async function main() {
  const app = next({ dev: false, dir: root, port, hostname: "localhost" });
  await app.prepare();
  if (socket) {
    ingestionServer(app.getRequestHandler(), await direct(INGESTION_ROUTES)).listen(socket, () => process.send?.("listening"));
    // The web server that started this one is gone (perhaps while it prepared): so is the reason to run.
    process.on("disconnect", () => process.exit(0));
    if (!process.connected) process.exit(0);
    return;
  }
  const ingestion = process.env.REVERSEGATE_INGEST_PROCESS === "off" ? undefined : ingestionProcess(import.meta.filename, say);
  const server = appServer(app.getRequestHandler(), { ingestion, direct: await direct(POLLED_READS) });
  server.listen(port, () => say(`web server listening on port ${port}`));
  // Told to stop, the server lets the requests in flight finish, but no longer than this: a client
  // that stops sending a body midway holds its connection until Node's request timeout (5 min).
  const stop = () => {
    ingestion?.stop();
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error("[reversegate] the web server could not start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
