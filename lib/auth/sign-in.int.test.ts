import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { makeUser, unique } from "@/lib/testing/factories";
import { SIGN_IN_FAILED, authorizeWithPassword } from "./options";
import { MAX_ATTEMPTS_PER_ADDRESS, MAX_FAILURES_PER_ACCOUNT } from "./throttle";

// `x-forwarded-for` as the app's server hands it over: whatever the client sent, then the address
// the server saw (lib/platform/app-server.ts appends it). TRUST_PROXY is 0 here.
const attempt = (email: string, password: string, address = "203.0.113.7", spoofed?: string) =>
  authorizeWithPassword({ email, password }, { "x-forwarded-for": spoofed ? `${spoofed}, ${address}` : address });

const THROTTLED = /Too many failed sign-in attempts/;

async function outcome(promise: Promise<unknown>): Promise<"ok" | "wrong" | "throttled"> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return THROTTLED.test((error as Error).message) ? "throttled" : "wrong";
  }
}

describe("password sign-in", () => {
  it("accepts the right password and answers the same generic message for a wrong one or an unknown account", async () => {
    const { user } = await makeUser("VIEWER", { password: "right-password-123" });
    await expect(attempt(user.email, "right-password-123", unique("ip"))).resolves.toMatchObject({ id: user.id });
    await expect(attempt(user.email, "wrong-password", unique("ip"))).rejects.toThrow(SIGN_IN_FAILED);
    await expect(attempt(`${unique("nobody")}@example.test`, "whatever", unique("ip"))).rejects.toThrow(SIGN_IN_FAILED);
  });

  it("refuses a disabled account with the same message", async () => {
    const { user } = await makeUser("ADMIN", { password: "right-password-123", disabled: true });
    await expect(attempt(user.email, "right-password-123", unique("ip"))).rejects.toThrow(SIGN_IN_FAILED);
  });

  it("records every failed sign-in in the audit log, with the address and why", async () => {
    const { user } = await makeUser("VIEWER", { password: "right-password-123" });
    const address = unique("ip");
    await expect(attempt(user.email, "wrong", address)).rejects.toThrow(SIGN_IN_FAILED);
    const event = await db().auditEvent.findFirstOrThrow({ where: { action: "auth.sign_in_failed", targetId: user.id } });
    expect(event.after).toEqual({ email: user.email, address, reason: "wrong password" });
    expect(event.actorLabel).toBe(`sign-in from ${address}`);
  });
});

describe("sign-in throttling", () => {
  it("lets at most the address's limit of 40 parallel wrong passwords reach the password check", async () => {
    const { user } = await makeUser("VIEWER", { password: "right-password-123" });
    const address = unique("ip");
    const outcomes = await Promise.all(Array.from({ length: 40 }, () => outcome(attempt(user.email, "wrong", address))));
    expect(outcomes.filter((o) => o === "wrong").length).toBeLessThanOrEqual(MAX_ATTEMPTS_PER_ADDRESS);
    expect(outcomes.filter((o) => o === "throttled").length).toBeGreaterThanOrEqual(40 - MAX_ATTEMPTS_PER_ADDRESS);
  });

  it("holds the source address tighter than the account: it guesses across accounts, then even a right password is refused", async () => {
    const address = unique("ip");
    for (let i = 0; i < MAX_ATTEMPTS_PER_ADDRESS; i++) await expect(attempt(`${unique("guess")}@example.test`, "x", address)).rejects.toThrow(SIGN_IN_FAILED);
    const { user } = await makeUser("VIEWER", { password: "right-password-123" });
    await expect(attempt(user.email, "right-password-123", address)).rejects.toThrow(THROTTLED);
  });

  it("does not believe a client's X-Forwarded-For: a new spoofed address each time is still one source", async () => {
    const { user } = await makeUser("VIEWER", { password: "right-password-123" });
    const address = unique("ip");
    const outcomes: string[] = [];
    for (let i = 0; i <= MAX_ATTEMPTS_PER_ADDRESS; i++) outcomes.push(await outcome(attempt(user.email, "wrong", address, `10.0.0.${i}`)));
    expect(outcomes.at(-1)).toBe("throttled");
  });

  it("never refuses the right password from an address that has not failed: an attacker cannot lock an admin out", async () => {
    const { user } = await makeUser("ADMIN", { password: "right-password-123" });
    for (let i = 0; i < 3 * MAX_FAILURES_PER_ACCOUNT; i++) await outcome(attempt(user.email, "wrong", unique("attacker")));
    await expect(attempt(user.email, "right-password-123", unique("admin-laptop"))).resolves.toMatchObject({ id: user.id });
  });

  it("closes an account under attack to every address that has failed on it", async () => {
    const { user } = await makeUser("VIEWER", { password: "right-password-123" });
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++) await outcome(attempt(user.email, "wrong", unique("attacker")));
    const failedOnce = unique("ip");
    await expect(attempt(user.email, "wrong", failedOnce)).rejects.toThrow(SIGN_IN_FAILED);
    await expect(attempt(user.email, "right-password-123", failedOnce)).rejects.toThrow(THROTTLED);
  });
});
