import { env } from "@/lib/env";
import { newNonce, securityHeaders } from "./headers";
import { servedOverHttps, type ServedAt } from "./request-origin";

/** Where the app is served, as the configuration says: what a request's origin is checked against. */
export function servedAt(): ServedAt {
  const e = env();
  return { publicUrl: e.NEXTAUTH_URL, trustProxy: e.TRUST_PROXY };
}

/**
 * The security headers of the answer to `request`, as configured. proxy.ts puts them on every
 * response Next sends; an API route puts them on its own answers too, so they are there however
 * the answer was served (lib/platform/direct-routes.ts bypasses Next and its proxy).
 */
export function responseSecurityHeaders(request: Pick<Headers, "get">, nonce = newNonce()): Record<string, string> {
  const e = env();
  return securityHeaders({
    nonce,
    development: e.NODE_ENV === "development",
    https: servedOverHttps(request, servedAt()),
    formTargets: e.OIDC_ISSUER ? [new URL(e.OIDC_ISSUER).origin] : [],
  });
}
