// The security headers every response carries (set by proxy.ts). No `server-only`: the proxy
// imports it.

/** Headers that never change with the request. */
export const FIXED_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  // Deployment names and incident ids in our URLs stay inside the app.
  "Referrer-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
  "Cross-Origin-Opener-Policy": "same-origin",
};

export const HSTS = "max-age=63072000; includeSubDomains";

/**
 * The Content-Security-Policy of one response. Scripts run only with this request's nonce (Next
 * puts it on its own scripts when it finds it in the request's policy header) and whatever those
 * load ('strict-dynamic'). Styles allow inline: React and Recharts set `style` attributes, which
 * no nonce can cover, and a style cannot run code.
 */
export type PolicyOptions = { nonce: string; development: boolean; https: boolean; formTargets?: readonly string[] };

export function contentSecurityPolicy(options: PolicyOptions): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${options.nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${options.development ? " ws:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self'${(options.formTargets ?? []).map((t) => ` ${t}`).join("")}`,
    "frame-ancestors 'none'",
  ];
  if (options.https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/** Every security header of one response: the fixed ones, its policy, and HSTS over https. */
export function securityHeaders(options: PolicyOptions): Record<string, string> {
  return { ...FIXED_SECURITY_HEADERS, "Content-Security-Policy": contentSecurityPolicy(options), ...(options.https ? { "Strict-Transport-Security": HSTS } : {}) };
}

/** 128 random bits, base64: unguessable, and new for every response. */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}
