// What a request says about where it came from, judged against where the app is served. No
// `server-only` here: the proxy (proxy.ts) uses it too.

export type ServedAt = {
  /** The app's public URL (NEXTAUTH_URL), when configured. */
  publicUrl?: string;
  /** Reverse proxies in front of the app whose X-Forwarded-* headers are believed. */
  trustProxy: number;
};

type HeaderSource = Pick<Headers, "get">;

const listOf = (header: string | null) => (header ?? "").split(",").map((v) => v.trim()).filter(Boolean);

/**
 * The client's address. The app's own server appends the socket's address to X-Forwarded-For
 * (lib/platform/app-server.ts), and each trusted proxy appends the address it saw; anything
 * further left was written by the client and is ignored.
 */
export function clientAddress(headers: HeaderSource, servedAt: ServedAt): string {
  const chain = listOf(headers.get("x-forwarded-for"));
  if (chain.length === 0) return "unknown";
  return chain[Math.max(0, chain.length - 1 - servedAt.trustProxy)]!;
}

/** The value the nearest trusted proxy set, or null when no proxy is trusted. */
function trustedForwarded(headers: HeaderSource, name: string, servedAt: ServedAt): string | null {
  if (servedAt.trustProxy === 0) return null;
  return listOf(headers.get(name)).at(-1) ?? null;
}

/** Whether the browser reached the app over https: its public URL says so, or a trusted proxy does. */
export function servedOverHttps(headers: HeaderSource, servedAt: ServedAt): boolean {
  if (servedAt.publicUrl?.startsWith("https://")) return true;
  return trustedForwarded(headers, "x-forwarded-proto", servedAt) === "https";
}

/**
 * Why a request that carries the session cookie must not change anything, or null when it comes
 * from the app's own pages. A browser sets `Origin` and `Sec-Fetch-Site` itself, and a page on
 * another site can set neither; the host it was sent to is the app's own (a page elsewhere cannot
 * make the browser send this app's cookie to a host name of its choosing).
 */
export function crossSiteRefusal(headers: HeaderSource, servedAt: ServedAt): string | null {
  const site = headers.get("sec-fetch-site");
  if (site && site !== "same-origin") return `the browser says this request came from another site (Sec-Fetch-Site: ${site.slice(0, 40)})`;
  const origin = headers.get("origin");
  if (!origin) return "a change made with the session cookie needs an Origin header; scripts should use `Authorization: Bearer <token>`";
  if (sameOrigin(origin, headers, servedAt)) return null;
  return `the request came from ${origin.slice(0, 200)}, not from this app`;
}

function sameOrigin(origin: string, headers: HeaderSource, servedAt: ServedAt): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (servedAt.publicUrl && new URL(servedAt.publicUrl).origin === url.origin) return true;
  const host = trustedForwarded(headers, "x-forwarded-host", servedAt) ?? headers.get("host");
  return host !== null && (url.protocol === "http:" || url.protocol === "https:") && url.host === host.toLowerCase();
}

/** `application/json`, whatever its parameters (`; charset=utf-8`). */
export function isJsonContentType(value: string | null): boolean {
  return (value ?? "").split(";")[0]!.trim().toLowerCase() === "application/json";
}
