import "server-only";
import { createHash } from "node:crypto";
import type { Prisma, Role } from "@prisma/client";
import { NextResponse } from "next/server";
import { z } from "zod";
import type { Actor } from "@/lib/actor";
import { actorFromBearer } from "@/lib/auth/api-tokens";
import { getCurrentUser, userActor } from "@/lib/auth/current-user";
import { hasRole } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { AppError, toErrorResponse, validationError } from "@/lib/errors";
import { newRequestId } from "@/lib/mutation";

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

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

async function authenticate(request: Request): Promise<Actor> {
  const authorization = request.headers.get("authorization");
  if (authorization) {
    const actor = await actorFromBearer(authorization);
    if (!actor) throw new AppError("UNAUTHENTICATED", "the bearer token is not valid (unknown, revoked or its owner disabled)");
    return actor;
  }
  // The dashboard's own fetches carry the session cookie instead of a token.
  const user = request.headers.get("cookie") ? await getCurrentUser() : null;
  if (!user) throw new AppError("UNAUTHENTICATED", "send `Authorization: Bearer <token>` or sign in");
  return userActor(user);
}

async function readJsonBody(request: Request, maxBytes: number): Promise<{ raw: string; value: unknown }> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new AppError("VALIDATION", `body: ${declared} bytes is over the ${maxBytes}-byte limit`);
  const raw = await request.text();
  if (Buffer.byteLength(raw) > maxBytes) throw new AppError("VALIDATION", `body: over the ${maxBytes}-byte limit`);
  if (raw.trim() === "") throw new AppError("VALIDATION", "body: a JSON body is required");
  try {
    return { raw, value: JSON.parse(raw) };
  } catch (error) {
    throw new AppError("VALIDATION", `body: not valid JSON (${(error as Error).message})`);
  }
}

type Params = Record<string, string>;

/**
 * Wraps a `/api/v1` handler: authenticate (bearer token or session), check the role, validate
 * the body with its zod schema, optionally replay by idempotency key, and map every error to
 * one JSON shape.
 */
export function apiRoute<TBody = undefined, TParams extends Params = Params>(
  options: RouteOptions<TBody>,
  handler: (ctx: RouteContext<TBody, TParams>) => Promise<unknown>,
) {
  return async (request: Request, segment: { params: Promise<TParams> }): Promise<Response> => {
    const requestId = request.headers.get("x-request-id")?.slice(0, 100) || newRequestId();
    try {
      const actor = await authenticate(request);
      if (!hasRole(actor.role, options.role)) {
        throw new AppError("FORBIDDEN", `this needs the ${options.role} role; the caller is ${actor.role}`);
      }
      let body = undefined as TBody;
      let raw = "";
      if (options.body) {
        const read = await readJsonBody(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
        raw = read.raw;
        const parsed = options.body.safeParse(read.value);
        if (!parsed.success) throw validationError(parsed.error);
        body = parsed.data;
      }
      const url = new URL(request.url);
      const key = options.idempotent ? request.headers.get("idempotency-key") : null;
      const scope = `${actor.type}:${actor.id}:${request.method}:${url.pathname}`;
      const requestHash = createHash("sha256").update(raw).digest("hex");
      if (key) {
        const replay = await db().idempotencyRecord.findUnique({ where: { scope_key: { scope, key } } });
        if (replay) {
          if (replay.requestHash !== requestHash) {
            throw new AppError("CONFLICT", "Idempotency-Key was already used with a different body");
          }
          return NextResponse.json(replay.responseBody, { status: replay.status, headers: { "x-request-id": requestId, "idempotent-replayed": "true" } });
        }
      }
      const params = await segment.params;
      const result = await handler({ actor, body, params, requestId, request, url });
      if (result instanceof Response) return result;
      const { body: out, status } = result instanceof JsonResult ? result : new JsonResult(result);
      if (key && status < 300) {
        await db().idempotencyRecord.createMany({
          data: [{ scope, key, requestHash, status, responseBody: out as Prisma.InputJsonValue }],
          skipDuplicates: true,
        });
      }
      return NextResponse.json(out, { status, headers: { "x-request-id": requestId } });
    } catch (error) {
      const { status, body } = toErrorResponse(error, requestId);
      return NextResponse.json({ ...body, requestId }, { status, headers: { "x-request-id": requestId } });
    }
  };
}

/** Parses search parameters with a zod schema, naming the offending parameter. */
export function parseQuery<T>(url: URL, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) throw validationError(parsed.error, "query");
  return parsed.data;
}
