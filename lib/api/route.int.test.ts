import { describe, expect, it } from "vitest";
import { z } from "zod";
import { GET as me } from "@/app/api/v1/me/route";
import { GET as health } from "@/app/api/health/route";
import { db } from "@/lib/db";
import { makeToken } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";
import { apiRoute, json } from "./route";

const adminOnly = apiRoute({ role: "ADMIN", body: z.object({ name: z.string().min(1), count: z.number().int() }), maxBodyBytes: 200 }, async ({ body }) =>
  json({ echoed: body }, 201),
);
let handlerRuns = 0;
const counted = apiRoute({ role: "OPERATOR", body: z.object({ n: z.number() }), idempotent: true }, async ({ body }) =>
  json({ n: body.n, run: ++handlerRuns }, 201),
);

describe("/api/v1 authentication and roles", () => {
  it("answers 401 with a JSON error without credentials or with a bad token", async () => {
    const none = await me(apiRequest("/api/v1/me"), params({}));
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: "UNAUTHENTICATED" });
    const bad = await me(apiRequest("/api/v1/me", { token: "rgt_nope" }), params({}));
    expect(bad.status).toBe(401);
  });

  it("GET /api/v1/me answers the caller's name and role", async () => {
    const { token } = await makeToken("APPROVER");
    const response = await me(apiRequest("/api/v1/me", { token }), params({}));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.role).toBe("APPROVER");
    expect(body.name).toMatch(/^token-/);
  });

  it("answers 403 to a caller whose role is too low", async () => {
    const { token } = await makeToken("OPERATOR");
    const response = await adminOnly(apiRequest("/x", { token, body: { name: "a", count: 1 } }), params({}));
    expect(response.status).toBe(403);
    expect((await response.json()).message).toContain("ADMIN");
  });

  it("stops a token at once when the user who created it is disabled", async () => {
    const { token, user } = await makeToken("ADMIN");
    expect((await me(apiRequest("/api/v1/me", { token }), params({}))).status).toBe(200);
    await db().user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    expect((await me(apiRequest("/api/v1/me", { token }), params({}))).status).toBe(401);
  });
});

describe("/api/v1 bad bodies", () => {
  it("refuses malformed JSON with a 400 that says so", async () => {
    const { token } = await makeToken("ADMIN");
    const response = await adminOnly(apiRequest("/x", { token, rawBody: "{not json" }), params({}));
    expect(response.status).toBe(400);
    expect((await response.json()).message).toMatch(/^body: not valid JSON/);
  });

  it("refuses an oversized body with a 413 naming the limit", async () => {
    const { token } = await makeToken("ADMIN");
    const response = await adminOnly(apiRequest("/x", { token, body: { name: "x".repeat(500), count: 1 } }), params({}));
    expect(response.status).toBe(413);
    expect((await response.json()).message).toContain("200-byte limit");
  });

  it("stops reading a body that streams past the limit without saying its length", async () => {
    const { token } = await makeToken("ADMIN");
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      },
    });
    const request = new Request("http://localhost/x", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: endless, duplex: "half" } as RequestInit);
    const response = await adminOnly(request, params({}));
    expect(response.status).toBe(413);
    expect(pulled).toBeLessThan(4);
  });

  it("names each invalid field", async () => {
    const { token } = await makeToken("ADMIN");
    const response = await adminOnly(apiRequest("/x", { token, body: { name: "", count: 1.5 } }), params({}));
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.issues.map((i: { path: string }) => i.path).sort()).toEqual(["count", "name"]);
  });

  it("replays an Idempotency-Key and refuses the same key with another body", async () => {
    const { token } = await makeToken("OPERATOR");
    const headers = { "idempotency-key": "key-1" };
    const first = await counted(apiRequest("/c", { token, body: { n: 1 }, headers }), params({}));
    const again = await counted(apiRequest("/c", { token, body: { n: 1 }, headers }), params({}));
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
    expect(handlerRuns).toBe(1);
    const other = await counted(apiRequest("/c", { token, body: { n: 2 }, headers }), params({}));
    expect(other.status).toBe(422);
    expect((await other.json()).message).toContain("different body");
    expect(handlerRuns).toBe(1);
  });

  it("refuses another caller's Idempotency-Key with 422 instead of replaying their answer", async () => {
    const [first, second] = await Promise.all([makeToken("OPERATOR"), makeToken("OPERATOR")]);
    const headers = { "idempotency-key": "shared-key" };
    const runsBefore = handlerRuns;
    expect((await counted(apiRequest("/c", { token: first.token, body: { n: 5 }, headers }), params({}))).status).toBe(201);
    const theirs = await counted(apiRequest("/c", { token: second.token, body: { n: 5 }, headers }), params({}));
    expect(theirs.status).toBe(422);
    expect((await theirs.json()).message).toContain("another caller");
    expect(handlerRuns).toBe(runsBefore + 1);
  });

  it("runs one of two concurrent requests with the same key", async () => {
    const { token } = await makeToken("OPERATOR");
    const headers = { "idempotency-key": "race-key" };
    const runsBefore = handlerRuns;
    const statuses = await Promise.all(Array.from({ length: 5 }, () => counted(apiRequest("/c", { token, body: { n: 7 }, headers }), params({})).then((r) => r.status)));
    expect(handlerRuns).toBe(runsBefore + 1);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
  });
});

describe("/api/v1 text the database cannot hold", () => {
  it("answers 400 naming the field for a NUL or half a surrogate pair anywhere in the body", async () => {
    const { token } = await makeToken("ADMIN");
    const nul = await adminOnly(apiRequest("/x", { token, rawBody: '{"name":"a\\u0000b","count":1}' }), params({}));
    expect(nul.status).toBe(400);
    expect((await nul.json()).message).toMatch(/^name: must not contain a NUL/);
    const lone = await adminOnly(apiRequest("/x", { token, rawBody: '{"name":"\\ud800","count":1}' }), params({}));
    expect(lone.status).toBe(400);
    expect((await lone.json()).message).toMatch(/^name: must be valid Unicode/);
  });

  it("answers 400 naming the path segment or query parameter", async () => {
    const { token } = await makeToken("VIEWER");
    const path = await me(apiRequest("/api/v1/me", { token }), params({ id: "a\u0000" }));
    expect(path.status).toBe(400);
    expect((await path.json()).message).toMatch(/^path\.id: must not contain a NUL/);
    const query = await me(apiRequest("/api/v1/me?filter=%00", { token }), params({}));
    expect(query.status).toBe(400);
    expect((await query.json()).message).toMatch(/^query\.filter: must not contain a NUL/);
  });
});

describe("/api/v1 request ids", () => {
  it("generates its own request id and keeps the client's beside it", async () => {
    const { token } = await makeToken("VIEWER");
    const response = await me(apiRequest("/api/v1/me", { token, headers: { "x-request-id": `forged-${"x".repeat(300)}` } }), params({}));
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("x-client-request-id")).toBe(`forged-${"x".repeat(93)}`);
  });
});

describe("GET /api/health", () => {
  it("reports the database as ok", async () => {
    const response = await health();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "ok" });
  });
});
