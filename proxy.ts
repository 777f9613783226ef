import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";
import { contentSecurityPolicy, FIXED_SECURITY_HEADERS, HSTS, newNonce } from "@/lib/security/headers";
import { crossSiteRefusal, servedOverHttps, type ServedAt } from "@/lib/security/request-origin";

// Runs before every request: security headers on every response, a fresh CSP nonce for each page,
// and a 403 for a server action posted from another site (Next itself answers those with a 500).

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A change sent to a page rather than to /api: a server action, however it was encoded. */
const isServerAction = (request: NextRequest) => !SAFE_METHODS.has(request.method) && !request.nextUrl.pathname.startsWith("/api/");

function secured(response: NextResponse, csp: string, https: boolean): NextResponse {
  for (const [name, value] of Object.entries(FIXED_SECURITY_HEADERS)) response.headers.set(name, value);
  response.headers.set("Content-Security-Policy", csp);
  if (https) response.headers.set("Strict-Transport-Security", HSTS);
  return response;
}

export function proxy(request: NextRequest) {
  const e = env();
  const servedAt: ServedAt = { publicUrl: e.NEXTAUTH_URL, trustProxy: e.TRUST_PROXY };
  const https = servedOverHttps(request.headers, servedAt);
  const nonce = newNonce();
  const csp = contentSecurityPolicy({
    nonce,
    development: e.NODE_ENV === "development",
    https,
    formTargets: e.OIDC_ISSUER ? [new URL(e.OIDC_ISSUER).origin] : [],
  });
  if (isServerAction(request)) {
    const refusal = crossSiteRefusal(request.headers, servedAt);
    if (refusal) {
      return secured(NextResponse.json({ error: "FORBIDDEN", message: `cross-site request refused: ${refusal}` }, { status: 403 }), csp, https);
    }
  }
  // Next reads the nonce for its own scripts from the request's policy header.
  const forwarded = new Headers(request.headers);
  forwarded.set("x-nonce", nonce);
  forwarded.set("content-security-policy", csp);
  return secured(NextResponse.next({ request: { headers: forwarded } }), csp, https);
}
