import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import type { Actor } from "@/lib/actor";
import { db } from "@/lib/db";
import { env, oidcEnabled } from "@/lib/env";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { newRequestId } from "@/lib/mutation";
import { decoyHash, verifyPassword } from "./password";
import { secureCookies } from "./session";
import { clientAddress } from "@/lib/security/request-origin";
import { claimSignInAttempt, recordAccountFailure, recordSignInSuccess } from "./throttle";

/** Shown for every wrong email or password alike: it must not tell which accounts exist. */
export const SIGN_IN_FAILED = "Email or password is incorrect.";

const credentialsSchema = z.object({ email: z.string().trim().toLowerCase().max(320), password: z.string().max(1024) });

type HeaderRecord = Record<string, unknown> | undefined;

/** The sign-in's source address, believing X-Forwarded-For only as far as TRUST_PROXY says. */
function signInAddress(headers: HeaderRecord): string {
  const e = env();
  const get = (name: string) => {
    const value = headers?.[name];
    return typeof value === "string" ? value : null;
  };
  return clientAddress({ get }, { publicUrl: e.NEXTAUTH_URL, trustProxy: e.TRUST_PROXY });
}

const ANONYMOUS = (address: string): Actor => ({ type: "SYSTEM", id: null, label: `sign-in from ${address}`, name: "anonymous", role: "VIEWER", userId: null });

/** Every refused sign-in is on the record: who was tried, from where, and why it failed. */
async function auditFailure(email: string, address: string, userId: string | null, reason: string) {
  await recordAuditEvent(db(), ANONYMOUS(address), newRequestId(), {
    action: "auth.sign_in_failed",
    targetType: "user",
    targetId: userId ?? email,
    after: { email, address, reason },
  });
}

export async function authorizeWithPassword(raw: unknown, headers: HeaderRecord) {
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) throw new Error(SIGN_IN_FAILED);
  const { email, password } = parsed.data;
  const address = signInAddress(headers);
  const attempt = await claimSignInAttempt(email, address);
  if (!attempt.allowed) {
    await auditFailure(email, address, null, attempt.reason === "address" ? "throttled: too many attempts from this address" : "throttled: this account is under attack and this address has failed");
    throw new Error(`Too many failed sign-in attempts. Try again in ${Math.ceil(attempt.waitMs / 60_000)} minutes.`);
  }
  const user = await db().user.findUnique({ where: { email } });
  const ok = user?.passwordHash
    ? await verifyPassword(user.passwordHash, password)
    : (await verifyPassword(await decoyHash(), password), false);
  if (!user || !ok || user.disabledAt) {
    await recordAccountFailure(email);
    await auditFailure(email, address, user?.id ?? null, !user ? "no such account" : !ok ? "wrong password" : "account disabled");
    throw new Error(SIGN_IN_FAILED);
  }
  await recordSignInSuccess(email, address);
  await recordAuditEvent(db(), { type: "USER", id: user.id, label: user.email, name: user.name, role: user.role, userId: user.id }, newRequestId(), {
    action: "auth.sign_in",
    targetType: "user",
    targetId: user.id,
    after: { address },
  });
  return { id: user.id, email: user.email, name: user.name };
}

/** next-auth's options for one request (its cookies are `Secure` when that request came over https). */
export function authOptions(request: { headers: Pick<Headers, "get"> }): NextAuthOptions {
  const e = env();
  if (!e.NEXTAUTH_SECRET) throw new Error("NEXTAUTH_SECRET is not set: `npm start` sets one, or set it yourself");
  const providers: NextAuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      authorize: (credentials, req) => authorizeWithPassword(credentials, req?.headers),
    }),
  ];
  if (oidcEnabled()) {
    providers.push({
      id: "oidc",
      name: e.OIDC_NAME,
      type: "oauth",
      wellKnown: `${e.OIDC_ISSUER!.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: e.OIDC_CLIENT_ID,
      clientSecret: e.OIDC_CLIENT_SECRET,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      profile: (profile: { sub: string; email?: string; name?: string }) => ({
        id: profile.sub,
        email: profile.email ?? null,
        name: profile.name ?? profile.email ?? profile.sub,
      }),
    });
  }
  return {
    secret: e.NEXTAUTH_SECRET,
    // Explicit, because lib/auth/session.ts reads the cookie by the name this chooses.
    useSecureCookies: secureCookies(request.headers),
    session: { strategy: "jwt", maxAge: e.SESSION_MAX_AGE_SECONDS },
    jwt: { maxAge: e.SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers,
    callbacks: {
      // SSO users are matched by email; the first sign-in creates them with the default role.
      async signIn({ user, account }) {
        if (account?.provider !== "oidc") return true;
        if (!user.email) return false;
        const email = user.email.toLowerCase();
        const existing = await db().user.upsert({
          where: { email },
          create: { email, name: user.name ?? email, role: e.OIDC_DEFAULT_ROLE },
          update: {},
        });
        return !existing.disabledAt;
      },
      async jwt({ token, user, account }) {
        if (user && account?.provider === "oidc" && user.email) {
          const row = await db().user.findUnique({ where: { email: user.email.toLowerCase() } });
          token.uid = row?.id;
        } else if (user) {
          token.uid = user.id;
        }
        return token;
      },
      session({ session, token }) {
        if (session.user && typeof token.uid === "string") session.user.id = token.uid;
        return session;
      },
    },
  };
}
