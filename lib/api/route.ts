import "server-only";
import { createHash } from "node:crypto";
import type { Prisma, Role } from "@prisma/client";
import { NextResponse } from "next/server";
import { z } from "zod";
import type { Actor } from "@/lib/actor";
import { actorFromBearer } from "@/lib/auth/api-tokens";
import { userActor } from "@/lib/auth/current-user";
import { hasRole } from "@/lib/auth/roles";
import { sessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { AppError, toErrorResponse, validationError } from "@/lib/errors";
import { newRequestId } from "@/lib/mutation";
import { crossSiteRefusal, isJsonContentType } from "@/lib/security/request-origin";
import { responseSecurityHeaders, servedAt } from "@/lib/security/response-headers";
import { refuseUnsafeText, unsafeTextProblem } from "@/lib/security/unsafe-text";

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** An Idempotency-Key claimed by a request that never finished (a crash) is freed after this. */
const ABANDONED_CLAIM_MS = 5 * 60_000;

export type RouteContext<TBody, TParams> = {
  actor: Actor;
  body: TBody;
  params: TParams;
  requestId: string;
  request: Request;
  url: URL;
};

type RouteOptions<TBody> = {
  role: Role;
  body?: z.ZodType<TBody>;
  /** An empty body is read as `{}` (e.g. approve with no note). */
  bodyOptional?: boolean;
  maxBodyBytes?: number;
  /** Honour an `Idempotency-Key` header: a replay answers what the first request answered. */
  idempotent?: boolean;
};

export class JsonResult {
  constructor(
    readonly body: unknown,
    readonly status = 200,
  ) {}
}
/** Return from a handler to choose the status (e.g. 201 created vs 200 replayed). */
export const json = (body: unknown, status = 200) => new JsonResult(body, status);

type Caller = { actor: Actor; bySession: boolean };

async function authenticate(request: Request): Promise<Caller> {
  const authorization = request.headers.get("authorization");
  if (authorization) {
    const actor = await actorFromBearer(authorization);
    if (!actor) throw new AppError("UNAUTHENTICATED", "the bearer token is not valid (unknown, revoked or its owner disabled)");
    return { actor, bySession: false };
  }
  // The dashboard's own fetches carry the session cookie instead of a token.
  const user = await sessionUser(request.headers);
  if (!user) throw new AppError("UNAUTHENTICATED", "send `Authorization: Bearer <token>` or sign in");
  return { actor: userActor(user), bySession: true };
}

/**
 * A browser sends the session cookie with whatever another site makes it send, so a change made
 * with the cookie must come from the app's own pages, as JSON (a cross-site form cannot send
 * JSON). Bearer tokens are never sent by a browser on its own and need neither.
 */
function refuseCrossSite(request: Request): void {
  const refusal = crossSiteRefusal(request.headers, servedAt());
  if (refusal) throw new AppError("FORBIDDEN", `cross-site request refused: ${refusal}`);
  if (!isJsonContentType(request.headers.get("content-type"))) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "content-type: a change made with the session cookie must be sent as application/json");
  }
}

const tooLarge = (maxBytes: number) => new AppError("TOO_LARGE", `body: over the ${maxBytes}-byte limit`);

/** Reads at most `maxBytes` of the body, refusing the request as soon as it is longer. */
async function readCapped(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new AppError("TOO_LARGE", `body: ${declared} bytes is over the ${maxBytes}-byte limit`);
  if (!request.body) return "";
  let bytes: Buffer;
  // A declared length is the most HTTP/1.1 lets through, so it can be read in one go; only a
  // chunked body of unknown length is counted as it streams.
  if (request.headers.has("content-length")) bytes = Buffer.from(await request.arrayBuffer());
  else bytes = await readChunksCapped(request.body, maxBytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("VALIDATION", "body: not valid UTF-8");
  }
}

async function readChunksCapped(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Buffer> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

async function readJsonBody(request: Request, maxBytes: number, optional: boolean): Promise<{ raw: string; value: unknown }> {
  const raw = await readCapped(request, maxBytes);
  if (raw.trim() === "") {
    if (optional) return { raw: "", value: {} };
    throw new AppError("VALIDATION", "body: a JSON body is required");
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new AppError("VALIDATION", `body: not valid JSON (${(error as Error).message.slice(0, 200)})`);
  }
  refuseUnsafeText(value, raw);
  return { raw, value };
}

type Params = Record<string, string>;

/** Path segments and query parameters are text too: refused here rather than by the database. */
function refuseUnsafeUrlText(params: Record<string, string | string[] | undefined>, url: URL): void {
  const checks: [string, string][] = [
    ...Object.entries(params).flatMap(([name, value]) => (Array.isArray(value) ? value : [value ?? ""]).map((v) => [`path.${name}`, v] as [string, string])),
    ...[...url.searchParams].flatMap(([name, value]) => [[`query.${name}`, value], [`query.${name}`, name]] as [string, string][]),
  ];
  for (const [path, value] of checks) {
    const problem = unsafeTextProblem(value);
    if (problem) {
      const shown = path.length > 80 ? `${path.slice(0, 77)}…` : path;
      throw new AppError("VALIDATION", `${shown}: ${problem}`, { issues: [{ path: shown, message: problem }] });
    }
  }
}

/** The client's own request id, kept beside ours (never instead of it): short, printable. */
const clientRequestId = (request: Request) => request.headers.get("x-request-id")?.replace(/[^\x21-\x7e]/g, "").slice(0, 100) || null;

type IdempotencyClaim = { scope: string; key: string; caller: string; requestHash: string };

function idempotencyKey(request: Request): string | null {
  const key = request.headers.get("idempotency-key");
  if (key === null) return null;
  if (key.trim() === "" || key.length > 200) throw new AppError("VALIDATION", "Idempotency-Key: 1–200 characters when given");
  return key;
}

/**
 * Claims the key for this request, or answers for it: the stored response when the same caller
 * sends the same body again, 422 when the key was used by someone else or with another body
 * (as Stripe does), 409 while the first request is still running. The claim is a row, so two
 * concurrent requests cannot both run.
 */
async function claimIdempotencyKey(claim: IdempotencyClaim): Promise<{ status: number; body: unknown } | null> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const created = await db().idempotencyRecord.createMany({ data: [{ ...claim, status: 0, responseBody: {} }], skipDuplicates: true });
    if (created.count === 1) return null;
    const existing = await db().idempotencyRecord.findUnique({ where: { scope_key: { scope: claim.scope, key: claim.key } } });
    if (!existing) continue;
    if (existing.caller !== claim.caller) throw new AppError("UNPROCESSABLE", "Idempotency-Key: this key was already used by another caller; use a new key");
    if (existing.requestHash !== claim.requestHash) throw new AppError("UNPROCESSABLE", "Idempotency-Key: this key was already used with a different body; use a new key");
    if (existing.status !== 0) return { status: existing.status, body: existing.responseBody };
    if (Date.now() - existing.createdAt.getTime() < ABANDONED_CLAIM_MS) {
      throw new AppError("CONFLICT", "Idempotency-Key: the first request with this key is still running; retry shortly");
    }
    await db().idempotencyRecord.deleteMany({ where: { scope: claim.scope, key: claim.key, status: 0, createdAt: existing.createdAt } });
  }
  throw new AppError("CONFLICT", "Idempotency-Key: the key is being claimed by another request; retry shortly");
}

/**
 * Wraps a `/api/v1` handler: authenticate (bearer token or session), check the role, refuse
 * cross-site changes, refuse text the database cannot hold, validate the body with its zod schema
 * (read with a size cap), optionally replay by idempotency key, and map every error to one JSON
 * shape. The request id is always generated here.
 */
export function apiRoute<TBody = undefined, TParams extends Params = Params>(
  options: RouteOptions<TBody>,
  handler: (ctx: RouteContext<TBody, TParams>) => Promise<unknown>,
) {
  return async (request: Request, segment: { params: Promise<TParams> }): Promise<Response> => {
    const requestId = newRequestId();
    const clientId = clientRequestId(request);
    // The security headers too: a polled read or a batch of points may be answered without Next's proxy (lib/platform/direct-routes.ts).
    const headers: Record<string, string> = { ...responseSecurityHeaders(request.headers), "x-request-id": requestId, ...(clientId ? { "x-client-request-id": clientId } : {}) };
    let claim: IdempotencyClaim | null = null;
    try {
      const { actor, bySession } = await authenticate(request);
      if (!hasRole(actor.role, options.role)) {
        throw new AppError("FORBIDDEN", `this needs the ${options.role} role; the caller is ${actor.role}`);
      }
      if (bySession && MUTATING.has(request.method)) refuseCrossSite(request);
      const url = new URL(request.url);
      // Next hands a route without dynamic segments no params at all.
      const params = ((await segment?.params) ?? {}) as TParams;
      refuseUnsafeUrlText(params, url);
      let body = undefined as TBody;
      let raw = "";
      if (options.body) {
        const read = await readJsonBody(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, options.bodyOptional ?? false);
        raw = read.raw;
        const parsed = options.body.safeParse(read.value);
        if (!parsed.success) throw validationError(parsed.error);
        body = parsed.data;
      }
      const key = options.idempotent ? idempotencyKey(request) : null;
      if (key) {
        claim = { scope: `${request.method} ${url.pathname}`, key, caller: `${actor.type}:${actor.id}`, requestHash: createHash("sha256").update(raw).digest("hex") };
        const replay = await claimIdempotencyKey(claim);
        if (replay) {
          claim = null;
          return NextResponse.json(replay.body, { status: replay.status, headers: { ...headers, "idempotent-replayed": "true" } });
        }
      }
      const result = await handler({ actor, body, params, requestId, request, url });
      const { body: out, status } = result instanceof Response ? { body: null, status: 0 } : result instanceof JsonResult ? result : new JsonResult(result);
      if (claim) {
        const where = { scope_key: { scope: claim.scope, key: claim.key } };
        if (status >= 200 && status < 300) await db().idempotencyRecord.update({ where, data: { status, responseBody: out as Prisma.InputJsonValue } });
        else await db().idempotencyRecord.delete({ where });
      }
      if (result instanceof Response) {
        for (const [name, value] of Object.entries(headers)) result.headers.set(name, value);
        return result;
      }
      return NextResponse.json(out, { status, headers });
    } catch (error) {
      if (claim) await db().idempotencyRecord.deleteMany({ where: { scope: claim.scope, key: claim.key, status: 0 } }).catch(() => undefined);
      const { status, body, headers: errorHeaders } = toErrorResponse(error, requestId);
      return NextResponse.json({ ...body, requestId }, { status, headers: { ...errorHeaders, ...headers } });
    }
  };
}

/** The parameter names a query schema declares: an object's keys, through any transform. */
function queryParameterNames(schema: z.ZodType): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodPipe) return queryParameterNames(schema.in as z.ZodType);
  throw new TypeError("a query schema must be a z.object (optionally transformed)");
}

/**
 * Parses search parameters with a zod schema, naming the offending parameter. Strict for every
 * route: a parameter the schema does not declare, or one given twice, is refused rather than
 * ignored (`series?range=1h` once answered the default 24 hours without a word).
 */
export function parseQuery<T>(url: URL, schema: z.ZodType<T>): T {
  const accepted = queryParameterNames(schema);
  const issues: { path: string; message: string }[] = [];
  for (const name of new Set(url.searchParams.keys())) {
    if (!accepted.includes(name)) {
      issues.push({ path: `query.${name}`, message: `unknown query parameter; this route accepts ${accepted.join(", ") || "none"}` });
    } else if (url.searchParams.getAll(name).length > 1) {
      issues.push({ path: `query.${name}`, message: "given more than once; send it once" });
    }
  }
  if (issues.length > 0) throw new AppError("VALIDATION", issues.map((i) => `${i.path}: ${i.message}`).join("; "), { issues });
  const parsed = schema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) throw validationError(parsed.error, "query");
  return parsed.data;
}
