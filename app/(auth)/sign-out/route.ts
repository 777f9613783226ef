import { endedSessionCookies } from "@/lib/auth/session";

/**
 * Signing out: a plain form posts here, so the dashboard loads no next-auth script for it. The
 * session cookie expires and the browser goes to the sign-in page; proxy.ts refuses a post from
 * another site, as for every change sent to a page.
 */
export async function POST(request: Request) {
  const headers = new Headers({ location: "/sign-in", "cache-control": "no-store" });
  for (const cookie of endedSessionCookies(request.headers)) headers.append("set-cookie", cookie);
  return new Response(null, { status: 303, headers });
}
