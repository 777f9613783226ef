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

/**
 * The single mapping from any thrown value to what a client may see. Unknown errors are logged
 * here and reach the client only as a generic message with the request id.
 */
export function toErrorResponse(error: unknown, requestId: string): { status: number; body: ErrorBody } {
  if (error instanceof AppError) {
    return { status: error.status, body: { error: error.code, message: error.message, ...error.details } };
  }
  if (error instanceof z.ZodError) return toErrorResponse(validationError(error), requestId);
  console.error(`[${requestId}] unexpected error`, error);
  return {
    status: 500,
    body: { error: "INTERNAL", message: `Something went wrong on our side (request ${requestId}).` },
  };
}
