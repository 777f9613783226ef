import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appServer } from "./app-server";
import { directRoutes } from "./direct-routes";

// A build as Next 16 lays it out, holding routes whose GET or POST echoes what it was handed.
const echoRoute = (method: string) => `module.exports = { routeModule: { ensureUserland: async () => {}, userland: { ${method}: async (request, segment) => {
  const params = await segment.params;
  const body = request.body ? await request.text() : null;
  return new Response(JSON.stringify({ params, method: request.method, body, forwardedFor: request.headers.get("x-forwarded-for"), url: request.url }), { headers: { "content-type": "application/json", "set-cookie": "a=1" } });
} } } };`;

let distDir: string;
let server: Server;
let base: string;

function build(appPath: string, source: string): void {
  const folder = path.join(distDir, "server", "app", appPath);
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, "route.js"), source);
}

beforeAll(async () => {
  distDir = mkdtempSync(path.join(tmpdir(), "direct-routes-"));
  build("/api/v1/rollbacks/[id]", echoRoute("GET"));
  build("/api/v1/metrics", echoRoute("POST"));
  // Refuses a body by its declared length without reading it, as lib/api/route.ts does over its limit.
  build("/api/v1/refuse", `module.exports = { routeModule: { userland: { POST: async () => new Response("{}", { status: 413 }) } } };`);
  const direct = await directRoutes(distDir, [
    { method: "GET", path: "/api/v1/rollbacks/[id]" },
    { method: "POST", path: "/api/v1/metrics" },
    { method: "POST", path: "/api/v1/refuse" },
  ]);
  server = appServer((_request, response) => response.end("next"), { direct });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(distDir, { recursive: true, force: true });
});

describe("directRoutes", () => {
  it("hands the route's own GET the decoded segment, the query, and the headers with the peer appended", async () => {
    const response = await fetch(`${base}/api/v1/rollbacks/op%20one?verbose=1`, { headers: { "x-forwarded-for": "203.0.113.66" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("server-timing")).toMatch(/^app;dur=/);
    expect(response.headers.get("set-cookie")).toBe("a=1");
    expect(await response.json()).toEqual({ params: { id: "op one" }, method: "GET", body: null, forwardedFor: "203.0.113.66, 127.0.0.1", url: "http://localhost/api/v1/rollbacks/op%20one?verbose=1" });
  });

  it("hands a POST route the body as it was sent, whole, with a declared length or chunked", async () => {
    const batch = JSON.stringify({ points: Array.from({ length: 5_000 }, (_, i) => ({ metric: "m", value: i })) });
    const declared = await fetch(`${base}/api/v1/metrics`, { method: "POST", body: batch, headers: { "content-type": "application/json" } });
    expect(declared.headers.get("server-timing")).toMatch(/^app;dur=/);
    expect(await declared.json()).toMatchObject({ method: "POST", body: batch, params: {} });
    const chunks = [batch.slice(0, 1000), batch.slice(1000)];
    const streamed = new ReadableStream({ pull: (controller) => (chunks.length ? controller.enqueue(new TextEncoder().encode(chunks.shift())) : controller.close()) });
    const chunked = await fetch(`${base}/api/v1/metrics`, { method: "POST", body: streamed, duplex: "half" } as RequestInit);
    expect(await chunked.json()).toMatchObject({ method: "POST", body: batch });
  });

  it("reads and drops a body its POST handler refused unread, so the connection finishes and serves the next request", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const post = (path: string, body: Buffer) =>
      new Promise<number>((resolve, reject) => {
        const sent = request(`${base}${path}`, { method: "POST", agent, headers: { "content-length": body.length } }, (answer) => {
          answer.resume();
          answer.on("end", () => resolve(answer.statusCode ?? 0));
        });
        sent.on("error", reject);
        sent.end(body);
      });
    try {
      expect(await post("/api/v1/refuse", Buffer.alloc(8 * 1024 * 1024, 120))).toBe(413);
      expect(await post("/api/v1/metrics", Buffer.from("after"))).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it.each([
    ["another method", "/api/v1/rollbacks/op", "POST"],
    ["a GET of a POST route", "/api/v1/metrics", "GET"],
    ["a segment holding a slash once decoded", "/api/v1/rollbacks/a%2Fb", "GET"],
    ["a segment that does not decode", "/api/v1/rollbacks/%E0%A4%A", "GET"],
    ["a dot segment", "/api/v1/rollbacks/%2E%2E", "GET"],
    ["a path the route does not match", "/api/v1/rollbacks/op/steps", "GET"],
    ["a trailing slash", "/api/v1/rollbacks/op/", "GET"],
  ])("leaves %s to Next", async (_what, requestPath, method) => {
    const response = await fetch(`${base}${requestPath}`, { method });
    expect(await response.text()).toBe("next");
  });

  it("refuses at start a build whose route keeps no GET where Next 16 does", async () => {
    build("/api/v1/other", "module.exports = { routeModule: { userland: {} } };");
    await expect(directRoutes(distDir, [{ method: "GET", path: "/api/v1/other" }])).rejects.toThrow("/api/v1/other: the build has no GET handler");
    await expect(directRoutes(distDir, [{ method: "POST", path: "/api/v1/rollbacks/[id]" }])).rejects.toThrow("/api/v1/rollbacks/[id]: the build has no POST handler");
  });
});
