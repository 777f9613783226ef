import "server-only";
import { createHash } from "node:crypto";
import { singleFlight } from "./single-flight";

/** An answer serialised once for every reader that shares it, with its strong validator. */
export interface SharedAnswer {
  body: string;
  etag: string;
}

/**
 * How long a finished read keeps answering identical requests. A page polls every 2–10 s, so a
 * room of readers shares one read a second instead of each making its own; any change made
 * through this process (every audited mutation) forgets them at once.
 */
export const SHARED_READ_FRESH_MS = 1_000;
const MAX_KEPT = 1_000;

/**
 * Every read answer here may change at any moment (a late point, a new verdict, the next step of
 * a rollback), so a cache must ask again each time; the ETag makes asking again cheap.
 */
export const REVALIDATE = "private, no-cache";

export function answerOf(value: unknown): SharedAnswer {
  const body = JSON.stringify(value);
  return { body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"` };
}

/** RFC 9110 §13.1.2: If-None-Match compares weakly, and `*` matches any current answer. */
export function noneMatch(ifNoneMatch: string | null, etag: string): boolean {
  if (ifNoneMatch === null) return true;
  const strip = (tag: string) => tag.trim().replace(/^W\//, "");
  return !ifNoneMatch.split(",").some((tag) => tag.trim() === "*" || strip(tag) === strip(etag));
}

/** 304 with no body when the caller already holds this answer, else the answer. */
export function conditionalJson(request: Request, answer: SharedAnswer, cacheControl = REVALIDATE): Response {
  const headers = { etag: answer.etag, "cache-control": cacheControl };
  if (!noneMatch(request.headers.get("if-none-match"), answer.etag)) return new Response(null, { status: 304, headers });
  return new Response(answer.body, { status: 200, headers: { ...headers, "content-type": "application/json" } });
}

const flights = singleFlight<SharedAnswer>();
const kept = new Map<string, { answer: SharedAnswer; until: number }>();
/** Counts forgets: a load that began before one may have read what the change replaced. */
let generation = 0;

/** Forgets every kept answer: called once a change commits, so its maker reads it back at once. */
export function forgetSharedReads(): void {
  generation++;
  kept.clear();
}

async function freshAnswer(key: string, load: () => Promise<unknown>): Promise<SharedAnswer> {
  const now = performance.now();
  const hit = kept.get(key);
  if (hit && hit.until > now) return hit.answer;
  return flights(key, async () => {
    const startedIn = generation;
    const answer = answerOf(await load());
    if (startedIn === generation) {
      if (kept.size >= MAX_KEPT) kept.clear();
      kept.set(key, { answer, until: performance.now() + SHARED_READ_FRESH_MS });
    }
    return answer;
  });
}

/**
 * A read that identical requests share: one load and one serialisation answer every request with
 * the same key that arrives while it runs or within SHARED_READ_FRESH_MS after; each then gets
 * 304 or the body by its own If-None-Match. Call it only after the request was authenticated and
 * authorised: what is shared is the query, never the check. An answer is at most one load and
 * SHARED_READ_FRESH_MS older than the request, less when a change made here forgot it.
 */
export async function sharedRead(request: Request, key: string, load: () => Promise<unknown>): Promise<Response> {
  return conditionalJson(request, await freshAnswer(key, load));
}
