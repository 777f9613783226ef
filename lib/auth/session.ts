import "server-only";
import type { Role } from "@prisma/client";
import { decode } from "next-auth/jwt";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { servedOverHttps } from "@/lib/security/request-origin";

export type SessionUser = { id: string; email: string; name: string; role: Role };

/**
 * Whether the session cookie is `Secure` (and `__Secure-` named): when the browser reaches the
 * app over https — NEXTAUTH_URL says so, or a trusted proxy does. Signing in and reading the
 * cookie both ask this of the same request, so they agree on its name.
 */
export function secureCookies(headers: Pick<Headers, "get">): boolean {
  const e = env();
  return servedOverHttps(headers, { publicUrl: e.NEXTAUTH_URL, trustProxy: e.TRUST_PROXY });
}

const sessionCookieName = (headers: Pick<Headers, "get">) => (secureCookies(headers) ? "__Secure-next-auth.session-token" : "next-auth.session-token");

function cookieValues(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at <= 0) continue;
    const raw = part.slice(at + 1).trim();
    try {
      cookies.set(part.slice(0, at).trim(), decodeURIComponent(raw));
    } catch {
      cookies.set(part.slice(0, at).trim(), raw);
    }
  }
  return cookies;
}

/** The session token, joined from next-auth's chunks (`name`, or `name.0`, `name.1`, …). */
function sessionToken(headers: Pick<Headers, "get">): string | null {
  const name = sessionCookieName(headers);
  const cookies = cookieValues(headers.get("cookie"));
  if (cookies.has(name)) return cookies.get(name)!;
  const chunks = [...cookies].filter(([key]) => key.startsWith(`${name}.`)).sort(([a], [b]) => Number(a.slice(name.length + 1)) - Number(b.slice(name.length + 1)));
  return chunks.length > 0 ? chunks.map(([, value]) => value).join("") : null;
}

/**
 * `Set-Cookie` values that end the request's session: next-auth's cookie, and every chunk of a long
 * one (`name.0`, `name.1`, …) the request carries, expired with the attributes next-auth set them with.
 */
export function endedSessionCookies(headers: Pick<Headers, "get">): string[] {
  const name = sessionCookieName(headers);
  const chunks = [...cookieValues(headers.get("cookie")).keys()].filter((key) => key.startsWith(`${name}.`));
  const attributes = `Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax${secureCookies(headers) ? "; Secure" : ""}`;
  return [name, ...chunks].map((cookie) => `${cookie}=; ${attributes}`);
}

/**
 * The person a request's session cookie names, as the database knows them now: a disabled
 * account or a changed role takes effect on the very next request, whatever the cookie says.
 * Reads the request's own headers, so API routes, pages and actions decide alike.
 */
export async function sessionUser(headers: Pick<Headers, "get">): Promise<SessionUser | null> {
  const token = sessionToken(headers);
  const secret = env().NEXTAUTH_SECRET;
  if (!token || !secret) return null;
  const payload = await decode({ token, secret }).catch(() => null);
  const id = payload?.uid;
  if (typeof id !== "string") return null;
  const user = await db().user.findUnique({ where: { id }, select: { id: true, email: true, name: true, role: true, disabledAt: true } });
  if (!user || user.disabledAt) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
