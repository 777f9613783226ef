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

/** A container on the walk, linked to its parent so a path is only spelled out when needed. */
type Frame = { value: object; keys: string[] | null; length: number; next: number; key: string; parent: Frame | null; depth: number };

const shownKey = (key: string) => (key.length > 60 ? `${key.slice(0, 57)}…` : key);

function pathOf(frame: Frame | null, key: string | null, root: string): string {
  const keys: string[] = key === null ? [] : [shownKey(key)];
  for (let f = frame; f?.parent; f = f.parent) keys.push(shownKey(f.key));
  const path = keys.reverse().join(".");
  return root && path ? `${root}.${path}` : root || path;
}

function frameOf(value: object, key: string, parent: Frame | null, depth: number): Frame {
  const keys = Array.isArray(value) ? null : Object.keys(value);
  return { value, keys, length: keys ? keys.length : (value as unknown[]).length, next: 0, key, parent, depth };
}

/**
 * True when JSON text may hold a string with a NUL or half a surrogate pair once parsed. Valid
 * UTF-8 cannot carry a lone surrogate and JSON refuses a raw NUL, so each can only arrive as a
 * `\u` escape; a false alarm just means the strings get checked one by one.
 */
export const mayHoldUnsafeText = (json: string) => /\\u(?:0000|[dD][89a-fA-F])/.test(json);

/**
 * The first string (key or value) in a parsed JSON value that `unsafeTextProblem` refuses, or a
 * nesting deeper than MAX_JSON_DEPTH. Walks iteratively, so no input can overflow the stack.
 * `checkStrings: false` checks the nesting alone (the text was cleared by `mayHoldUnsafeText`).
 */
export function findUnsafeText(value: unknown, root: string, options: { checkStrings?: boolean } = {}): UnsafeText | null {
  const checkStrings = options.checkStrings ?? true;
  if (typeof value === "string") {
    const problem = checkStrings ? unsafeTextProblem(value) : null;
    return problem ? { path: root, message: problem } : null;
  }
  if (value === null || typeof value !== "object") return null;
  // Depth first and in order, one frame per container: the first problem found is the first in the body.
  const stack: Frame[] = [frameOf(value, "", null, 0)];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next === 0 && frame.depth >= MAX_JSON_DEPTH) return { path: pathOf(frame, null, root), message: `nested deeper than ${MAX_JSON_DEPTH} levels` };
    if (frame.next >= frame.length) {
      stack.pop();
      continue;
    }
    const i = frame.next++;
    const key = frame.keys ? frame.keys[i]! : String(i);
    if (checkStrings && frame.keys) {
      const keyProblem = unsafeTextProblem(key);
      if (keyProblem) return { path: pathOf(frame, null, root) || "(body)", message: `a key ${keyProblem}` };
    }
    const child: unknown = frame.keys ? (frame.value as Record<string, unknown>)[key] : (frame.value as unknown[])[i];
    if (typeof child === "string") {
      const problem = checkStrings ? unsafeTextProblem(child) : null;
      if (problem) return { path: pathOf(frame, key, root), message: problem };
    } else if (child !== null && typeof child === "object") {
      stack.push(frameOf(child, key, frame, frame.depth + 1));
    }
  }
  return null;
}

/**
 * Throws a 400 naming the field when `value` holds text `findUnsafeText` refuses. Given the JSON
 * text it was parsed from, strings are only checked when that text holds a suspect escape.
 */
export function refuseUnsafeText(value: unknown, json?: string): void {
  const unsafe = findUnsafeText(value, "", { checkStrings: json === undefined || mayHoldUnsafeText(json) });
  if (!unsafe) return;
  const path = unsafe.path || "(body)";
  throw new AppError("VALIDATION", `${path}: ${unsafe.message}`, { issues: [{ path, message: unsafe.message }] });
}
