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

  it("refuses an oversized body with a 400 naming the limit", async () => {
    const { token } = await makeToken("ADMIN");
    const response = await adminOnly(apiRequest("/x", { token, body: { name: "x".repeat(500), count: 1 } }), params({}));
    expect(response.status).toBe(400);
    expect((await response.json()).message).toContain("200-byte limit");
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
    expect(other.status).toBe(409);
  });
});

describe("GET /api/health", () => {
  it("reports the database as ok", async () => {
    const response = await health();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "ok" });
  });
});
