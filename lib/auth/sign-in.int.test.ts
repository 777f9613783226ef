import { describe, expect, it } from "vitest";
import { makeUser, unique } from "@/lib/testing/factories";
import { SIGN_IN_FAILED, authorizeWithPassword } from "./options";

const attempt = (email: string, password: string, address = "203.0.113.7") =>
  authorizeWithPassword({ email, password }, { "x-forwarded-for": address });

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

  it("throttles an account after repeated failures, even with the right password", async () => {
    const { user } = await makeUser("VIEWER", { password: "right-password-123" });
    for (let i = 0; i < 5; i++) await expect(attempt(user.email, "wrong", unique("ip"))).rejects.toThrow(SIGN_IN_FAILED);
    await expect(attempt(user.email, "right-password-123", unique("ip"))).rejects.toThrow(/Too many failed sign-in attempts/);
  });

  it("throttles a client address that guesses across many accounts", async () => {
    const address = unique("ip");
    for (let i = 0; i < 20; i++) await expect(attempt(`${unique("guess")}@example.test`, "x", address)).rejects.toThrow(SIGN_IN_FAILED);
    const { user } = await makeUser("VIEWER", { password: "right-password-123" });
    await expect(attempt(user.email, "right-password-123", address)).rejects.toThrow(/Too many failed sign-in attempts/);
  });
});
