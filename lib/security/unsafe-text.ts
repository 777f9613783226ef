import { AppError } from "@/lib/errors";

// Text PostgreSQL cannot store, or that JSON and the database would read differently, is refused
// where a request enters the app, naming where it was found.

/** Deeper than any body the API takes; PostgreSQL's JSON parser gives up far below a stack overflow. */
export const MAX_JSON_DEPTH = 32;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with a string, or null: a NUL, which PostgreSQL refuses, or half a UTF-16 pair. */
export function unsafeTextProblem(value: string): string | null {
  if (value.includes("\u0000")) return "must not contain a NUL character (\\u0000)";
  if (LONE_SURROGATE.test(value)) return "must be valid Unicode (it holds half of a UTF-16 surrogate pair)";
  return null;
}

export type UnsafeText = { path: string; message: string };

/**
 * The first string (key or value) in a parsed JSON value that `unsafeTextProblem` refuses, or a
 * nesting deeper than MAX_JSON_DEPTH. Walks iteratively, so no input can overflow the stack.
 */
export function findUnsafeText(value: unknown, root: string): UnsafeText | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item.value === "string") {
      const problem = unsafeTextProblem(item.value);
      if (problem) return { path: item.path, message: problem };
      continue;
    }
    if (item.value === null || typeof item.value !== "object") continue;
    if (item.depth >= MAX_JSON_DEPTH) return { path: item.path, message: `nested deeper than ${MAX_JSON_DEPTH} levels` };
    const entries = Array.isArray(item.value) ? item.value.map((v, i) => [String(i), v] as const) : Object.entries(item.value);
    for (const [key, child] of entries.reverse()) {
      const shown = key.length > 60 ? `${key.slice(0, 57)}…` : key;
      const path = item.path ? `${item.path}.${shown}` : shown;
      const keyProblem = unsafeTextProblem(key);
      if (keyProblem) return { path: item.path || "(body)", message: `a key ${keyProblem}` };
      stack.push({ value: child, path, depth: item.depth + 1 });
    }
  }
  return null;
}

/** Throws a 400 naming the field when `value` holds text `findUnsafeText` refuses. */
export function refuseUnsafeText(value: unknown): void {
  const unsafe = findUnsafeText(value, "");
  if (!unsafe) return;
  const path = unsafe.path || "(body)";
  throw new AppError("VALIDATION", `${path}: ${unsafe.message}`, { issues: [{ path, message: unsafe.message }] });
}
