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

describe("endedSessionCookies", () => {
  it("expires the session cookie and each of its chunks, Secure over https", async () => {
    const behindProxy = await freshSessionModule("1");
    const cookie = "__Secure-next-auth.session-token.0=a; __Secure-next-auth.session-token.1=b; other=c";
    expect(behindProxy.endedSessionCookies(new Headers({ cookie, "x-forwarded-proto": "https" }))).toEqual(
      ["__Secure-next-auth.session-token", "__Secure-next-auth.session-token.0", "__Secure-next-auth.session-token.1"].map(
        (name) => `${name}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax; Secure`,
      ),
    );
    expect(behindProxy.endedSessionCookies(new Headers({ cookie: "next-auth.session-token=x" }))).toEqual([
      "next-auth.session-token=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax",
    ]);
  });
});
