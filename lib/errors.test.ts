import { describe, expect, it, vi } from "vitest";
import { AppError, isDatabaseUnavailable, toErrorResponse } from "./errors";

// Shapes recorded from Prisma 6.19 over @prisma/adapter-pg 7.10 and node-postgres 8 while the
// embedded PostgreSQL was stopped with `pg_ctl stop -m fast` under them.
const driverError = (cause: Record<string, unknown>) => Object.assign(new Error("driver adapter error"), { name: "DriverAdapterError", cause });
const prismaError = (code: string, cause: Record<string, unknown>) =>
  Object.assign(new Error(`\nInvalid \`prisma.user.findFirst()\` invocation:\n\n${code}`), {
    name: "PrismaClientKnownRequestError",
    code,
    meta: { driverAdapterError: driverError(cause) },
  });

const whileDown = {
  "a model query, server down (P1001)": prismaError("P1001", { kind: "DatabaseNotReachable", host: "127.0.0.1", port: 5432 }),
  "a raw query, server down (P2010 DatabaseNotReachable)": prismaError("P2010", { kind: "DatabaseNotReachable", host: "127.0.0.1", port: 5432 }),
  "a query cut by the shutdown (57P01)": prismaError("P2010", { kind: "postgres", originalCode: "57P01", message: "terminating connection due to administrator command" }),
  "a transaction whose connection died": new Error("Client has encountered a connection error and is not queryable"),
  "an idle pg client's connection ending": new Error("Connection terminated unexpectedly"),
  "a pg connect refused": Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }),
  "the server still starting (57P03)": Object.assign(new Error("the database system is starting up"), { code: "57P03" }),
};

describe("a database that cannot be reached", () => {
  it.each(Object.entries(whileDown))("is recognised: %s", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it("is not confused with a query that failed", () => {
    expect(isDatabaseUnavailable(prismaError("P2002", { kind: "UniqueConstraintViolation", originalCode: "23505" }))).toBe(false);
    expect(isDatabaseUnavailable(prismaError("P2021", { kind: "TableDoesNotExist", originalCode: "42P01" }))).toBe(false);
    expect(isDatabaseUnavailable(new Error("boom"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });

  it("answers 503 with Retry-After, not 500, and says to try again", () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const response = toErrorResponse(whileDown["a model query, server down (P1001)"], "req-1");
    expect(response.status).toBe(503);
    expect(response.headers).toEqual({ "retry-after": "5" });
    expect(response.body).toEqual({ error: "UNAVAILABLE", message: expect.stringMatching(/database is not answering.*try again in 5 seconds/) });
  });

  it("leaves other errors as they were: typed ones by their code, unknown ones 500", () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    expect(toErrorResponse(new AppError("CONFLICT", "taken"), "req-2")).toMatchObject({ status: 409, headers: {} });
    expect(toErrorResponse(new Error("boom"), "req-3")).toMatchObject({ status: 500, body: { error: "INTERNAL" } });
  });
});
