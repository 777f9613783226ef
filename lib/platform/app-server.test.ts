import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_BACKOFF_MS } from "@/lib/polling";
import { appServer, withPeerAddress } from "./app-server";

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function seenForwardedFor(sent?: string): Promise<string> {
  server = createServer(withPeerAddress((request, response) => response.end(String(request.headers["x-forwarded-for"]))));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/`, { headers: sent ? { "x-forwarded-for": sent } : {} });
  return response.text();
}

describe("the app server's X-Forwarded-For", () => {
  it("ends with the address the connection came from, after whatever the client wrote", async () => {
    expect(await seenForwardedFor("203.0.113.66")).toBe("203.0.113.66, 127.0.0.1");
  });

  it("is the connection's address alone when the client sends none", async () => {
    expect(await seenForwardedFor()).toBe("127.0.0.1");
  });
});

describe("the app server's idle connections", () => {
  it("stay open longer than the slowest poll waits, so a polling tab keeps its connection", async () => {
    server = appServer((_request, response) => response.end("ok"));
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/`);
    await response.text();
    const seconds = Number(/timeout=(\d+)/.exec(response.headers.get("keep-alive") ?? "")?.[1]);
    expect(seconds * 1000).toBeGreaterThan(MAX_BACKOFF_MS);
  });
});
