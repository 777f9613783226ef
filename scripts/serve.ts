// The production web server `npm start` runs: Next's request handler behind a plain Node server
// that records each connection's real address and keeps idle connections open between polls
// (lib/platform/app-server.ts). Run without the react-server condition: Next renders both sides itself.
import path from "node:path";
import next from "next";
import { appServer } from "@/lib/platform/app-server";

const port = Number(process.env.PORT ?? 3000);

async function main() {
  const app = next({ dev: false, dir: path.resolve(import.meta.dirname, ".."), port, hostname: "localhost" });
  await app.prepare();
  const server = appServer(app.getRequestHandler());
  server.listen(port, () => console.log(`[reversegate] web server listening on port ${port}`));
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error("[reversegate] the web server could not start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
