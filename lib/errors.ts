import { z } from "zod";

const STATUS = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION: 400,
  CONFLICT: 409,
  TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type AppErrorCode = keyof typeof STATUS;
export const APP_ERROR_CODES = Object.keys(STATUS) as [AppErrorCode, ...AppErrorCode[]];

export type FieldIssue = { path: string; message: string };

/** A failure the caller can act on; its message is safe to show to a user. */
export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: { issues?: FieldIssue[]; [key: string]: unknown },
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new AppError("CONFLICT", message, details);
export const forbidden = (message = "your role does not allow this") => new AppError("FORBIDDEN", message);

/** Names each offending field, e.g. `points.3.value: expected number`. */
export function validationError(error: z.ZodError, root = ""): AppError {
  const issues = error.issues.map((issue) => ({
    path: [root, ...issue.path.map(String)].filter(Boolean).join(".") || "(body)",
    message: issue.message,
  }));
  const message = issues.map((i) => `${i.path}: ${i.message}`).join("; ");
  return new AppError("VALIDATION", message, { issues });
}

export type ErrorBody = { error: AppErrorCode; message: string; issues?: FieldIssue[]; [key: string]: unknown };

/** How long a client should wait before retrying while the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

// What a lost or refused database connection looks like through Prisma's pg adapter, node-postgres
// and the socket underneath: connection SQLSTATEs (class 08; 57P01–57P03 shutdown, crash, starting
// up; 53300 too many connections), Prisma's connection error codes, the adapter's error kinds,
// and the socket errors.
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const UNAVAILABLE_ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
const UNAVAILABLE_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
const UNAVAILABLE_MESSAGES = /Connection terminated|connection error and is not queryable|Can't reach database server|timeout exceeded when trying to connect/;

/**
 * Whether `error` means the database cannot be reached right now (down, restarting, refusing
 * connections), as opposed to a query that failed: such a failure is retried, never recorded as
 * the outcome of the work. Looks through causes and Prisma's wrapped driver error.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    const fields = current as { code?: unknown; originalCode?: unknown; kind?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
    for (const code of [fields.code, fields.originalCode]) {
      if (typeof code !== "string") continue;
      if (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_PRISMA_CODES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code)) return true;
    }
    if (typeof fields.kind === "string" && UNAVAILABLE_ADAPTER_KINDS.has(fields.kind)) return true;
    if (typeof fields.message === "string" && UNAVAILABLE_MESSAGES.test(fields.message)) return true;
    pending.push(fields.cause, fields.meta?.driverAdapterError);
  }
  return false;
}

export type ErrorResponse = { status: number; body: ErrorBody; headers: Record<string, string> };

/**
 * The single mapping from any thrown value to what a client may see. Unknown errors are logged
 * here and reach the client only as a generic message with the request id. A database that
 * cannot be reached is 503 with `Retry-After`: the request may simply be sent again.
 */
export function toErrorResponse(error: unknown, requestId: string): ErrorResponse {
  if (error instanceof AppError) {
    return { status: error.status, body: { error: error.code, message: error.message, ...error.details }, headers: {} };
  }
  if (error instanceof z.ZodError) return toErrorResponse(validationError(error), requestId);
  if (isDatabaseUnavailable(error)) {
    console.error(`[${requestId}] database unavailable: ${error instanceof Error ? error.message.trim().split("\n").at(-1) : String(error)}`);
    return {
      status: 503,
      body: { error: "UNAVAILABLE", message: `The database is not answering (it may be restarting); try again in ${DATABASE_RETRY_AFTER_SECONDS} seconds.` },
      headers: { "retry-after": String(DATABASE_RETRY_AFTER_SECONDS) },
    };
  }
  console.error(`[${requestId}] unexpected error`, error);
  return {
    status: 500,
    body: { error: "INTERNAL", message: `Something went wrong on our side (request ${requestId}).` },
    headers: {},
  };
}
