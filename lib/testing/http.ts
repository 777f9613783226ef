/**
 * Builds the Request a route handler receives, as Next would hand it over. With `session` (a
 * cookie from `sessionCookie`) it is what the app's own page sends: the cookie, the app's
 * Origin, and JSON even without a body. `headers` override any of these.
 */
export function apiRequest(
  path: string,
  options: { method?: string; token?: string; session?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Request {
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const method = options.method ?? (body === undefined ? "GET" : "POST");
  const headers: Record<string, string> = { host: "localhost" };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.session) {
    headers.cookie = options.session;
    if (method !== "GET") Object.assign(headers, { origin: "http://localhost", "sec-fetch-site": "same-origin", "content-type": "application/json" });
  }
  if (body !== undefined) headers["content-type"] = "application/json";
  return new Request(`http://localhost${path}`, { method, headers: { ...headers, ...options.headers }, body });
}

export const params = <T extends Record<string, string>>(value: T) => ({ params: Promise.resolve(value) });
