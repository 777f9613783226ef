import { NextResponse, type NextRequest } from "next/server";
import { REQUEST_PATH_HEADER } from "@/lib/auth/callback-url";
import { newNonce } from "@/lib/security/headers";
import { crossSiteRefusal } from "@/lib/security/request-origin";
import { responseSecurityHeaders, servedAt } from "@/lib/security/response-headers";
import { unsafeTextProblem } from "@/lib/security/unsafe-text";

// Runs before every request: security headers on every response, a fresh CSP nonce for each page,
// a 400 for a page address holding a NUL, and a 403 for a server action posted from another site
// (Next itself answers those with a 500). It also tells server components which path they render,
// so a signed-out visitor to a deep link signs in and comes back to it (lib/auth/current-user.ts).

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A change sent to a page rather than to /api: a server action, however it was encoded. */
const isServerAction = (request: NextRequest) => !SAFE_METHODS.has(request.method) && !request.nextUrl.pathname.startsWith("/api/");

function secured(response: NextResponse, headers: Record<string, string>): NextResponse {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

/** A page's path or query holding text the database cannot (a NUL), named; or null. */
function unsafeUrlText(url: URL): string | null {
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return "path: not valid percent-encoded UTF-8";
  }
  const pathProblem = unsafeTextProblem(path);
  if (pathProblem) return `path: ${pathProblem}`;
  for (const [name, value] of url.searchParams) {
    const problem = unsafeTextProblem(value) ?? unsafeTextProblem(name);
    if (problem) return `query.${name.slice(0, 60)}: ${problem}`;
  }
  return null;
}

export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const security = responseSecurityHeaders(request.headers, nonce);
  // /api routes name the offending field themselves (lib/api/route.ts); a page is refused here.
  const unsafe = request.nextUrl.pathname.startsWith("/api/") ? null : unsafeUrlText(request.nextUrl);
  if (unsafe) return secured(NextResponse.json({ error: "VALIDATION", message: unsafe }, { status: 400 }), security);
  if (isServerAction(request)) {
    const refusal = crossSiteRefusal(request.headers, servedAt());
    if (refusal) {
      return secured(NextResponse.json({ error: "FORBIDDEN", message: `cross-site request refused: ${refusal}` }, { status: 403 }), security);
    }
  }
  // Next reads the nonce for its own scripts from the request's policy header.
  const forwarded = new Headers(request.headers);
  forwarded.set("x-nonce", nonce);
  forwarded.set("content-security-policy", security["Content-Security-Policy"]!);
  forwarded.set(REQUEST_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return secured(NextResponse.next({ request: { headers: forwarded } }), security);
}
