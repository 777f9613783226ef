import { encode } from "next-auth/jwt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "@/lib/env";
import { makeUser } from "@/lib/testing/factories";

// Over https next-auth names its cookie `__Secure-…` and marks it Secure; the session is read by
// the same rule from the same request, with TRUST_PROXY deciding whether a proxy's word counts.
async function freshSessionModule(trustProxy: string) {
  vi.stubEnv("TRUST_PROXY", trustProxy);
  vi.resetModules();
  return import("./session");
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe("sessionUser over https", () => {
  it("reads the __Secure- cookie when a trusted proxy says the request came over https, and only then", async () => {
    const { user } = await makeUser("OPERATOR");
    const token = await encode({ token: { uid: user.id }, secret: env().NEXTAUTH_SECRET! });
    const secureCookie = `__Secure-next-auth.session-token=${token}`;
    const behindProxy = await freshSessionModule("1");
    expect(await behindProxy.sessionUser(new Headers({ cookie: secureCookie, "x-forwarded-proto": "https" }))).toMatchObject({ id: user.id });
    expect(behindProxy.secureCookies(new Headers({ "x-forwarded-proto": "https" }))).toBe(true);
    expect(await behindProxy.sessionUser(new Headers({ cookie: secureCookie, "x-forwarded-proto": "http" }))).toBeNull();

    const direct = await freshSessionModule("0");
    // Without a trusted proxy a client's X-Forwarded-Proto changes nothing.
    expect(direct.secureCookies(new Headers({ "x-forwarded-proto": "https" }))).toBe(false);
    expect(await direct.sessionUser(new Headers({ cookie: `next-auth.session-token=${token}`, "x-forwarded-proto": "https" }))).toMatchObject({ id: user.id });
  });
});
