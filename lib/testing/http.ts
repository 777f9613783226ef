/** Builds the Request a route handler receives, as Next would hand it over. */
export function apiRequest(
  path: string,
  options: { method?: string; token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Request {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers["content-type"] = "application/json";
  return new Request(`http://localhost${path}`, { method: options.method ?? (body === undefined ? "GET" : "POST"), headers, body });
}

export const params = <T extends Record<string, string>>(value: T) => ({ params: Promise.resolve(value) });
