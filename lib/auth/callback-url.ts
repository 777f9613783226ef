// Where to send someone after they sign in: back to the page they asked for, but only ever to a
// page of this app. Pure, so the sign-in page and the page guard agree on one rule.

/** The request header through which proxy.ts tells server components the path being rendered. */
export const REQUEST_PATH_HEADER = "x-reversegate-path";

const ORIGIN = "http://reversegate.invalid";

/**
 * `value` as a same-origin relative path (path, query and fragment), or null when it is absent
 * or could leave the app: an absolute URL, a protocol-relative `//host`, a backslash that
 * browsers read as a slash, or control characters.
 */
export function safeCallbackPath(value: string | null | undefined): string | null {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.includes("\\")) return null;
  if (/[\u0000-\u001f\u007f]/.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== ORIGIN) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith("/sign-in") ? null : path;
}

/** The sign-in page, coming back to `path` afterwards when it is a safe one. */
export function signInUrl(path: string | null | undefined): string {
  const callback = safeCallbackPath(path);
  return callback && callback !== "/" ? `/sign-in?callbackUrl=${encodeURIComponent(callback)}` : "/sign-in";
}
