import "server-only";
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { singleFlight } from "./single-flight";

const gzipped = promisify(gzip);

/**
 * An answer serialised once for every reader that shares it, with its strong validator, and
 * compressed at most once too: a day of chart points is about 150 KB of JSON, which every reader
 * of a room would otherwise be sent, or have compressed for them, each time it changes.
 */
export interface SharedAnswer {
  body: Uint8Array<ArrayBuffer>;
  etag: string;
  gzipped: () => Promise<Uint8Array<ArrayBuffer>>;
}

/** Below this an answer is sent as it is: compressing it would save less than it costs. */
export const GZIP_MIN_BYTES = 1024;

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
  const body = new TextEncoder().encode(JSON.stringify(value));
  let compressed: Promise<Uint8Array<ArrayBuffer>> | undefined;
  return {
    body,
    etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`,
    gzipped: () => (compressed ??= gzipped(body).then((bytes) => new Uint8Array(bytes))),
  };
}

/** Whether an Accept-Encoding takes gzip (RFC 9110 §12.5.3): named, or `*`, with a q above 0. */
export function acceptsGzip(acceptEncoding: string | null): boolean {
  let gzipQ: number | undefined;
  let anyQ: number | undefined;
  for (const part of (acceptEncoding ?? "").split(",")) {
    const [coding = "", ...parameters] = part.split(";").map((p) => p.trim().toLowerCase());
    const qParameter = parameters.find((p) => p.startsWith("q="));
    const q = qParameter === undefined ? 1 : Number(qParameter.slice(2));
    if (coding === "gzip" || coding === "x-gzip") gzipQ = q;
    else if (coding === "*") anyQ = q;
  }
  const q = gzipQ ?? anyQ ?? 0;
  return Number.isFinite(q) && q > 0;
}

/** RFC 9110 §13.1.2: If-None-Match compares weakly, and `*` matches any current answer. */
export function noneMatch(ifNoneMatch: string | null, etag: string): boolean {
  if (ifNoneMatch === null) return true;
  const strip = (tag: string) => tag.trim().replace(/^W\//, "");
  return !ifNoneMatch.split(",").some((tag) => tag.trim() === "*" || strip(tag) === strip(etag));
}

/**
 * 304 with no body when the caller already holds this answer, else the answer, gzipped when the
 * caller takes it. The gzipped form is another representation, so it has its own ETag.
 */
export async function conditionalJson(request: Request, answer: SharedAnswer, cacheControl = REVALIDATE): Promise<Response> {
  const gzip = answer.body.length >= GZIP_MIN_BYTES && acceptsGzip(request.headers.get("accept-encoding"));
  const etag = gzip ? `${answer.etag.slice(0, -1)}-gzip"` : answer.etag;
  const headers = { etag, "cache-control": cacheControl, vary: "accept-encoding" };
  if (!noneMatch(request.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers });
  const body = gzip ? await answer.gzipped() : answer.body;
  return new Response(body, { status: 200, headers: { ...headers, "content-type": "application/json", ...(gzip ? { "content-encoding": "gzip" } : {}) } });
}

/**
 * How long after it stops being fresh a kept answer still answers while one reader's request
 * reads it again: under a flood of points a chart's read took up to a second and a half in the
 * load bench, and readers should not all wait on it. Usually the next reader after the read gets
 * its answer, so this bounds how stale an answer can be only when reads are that slow. Past it, a
 * reader waits for the new read.
 */
export const SHARED_READ_STALE_MS = 5_000;

const flights = singleFlight<SharedAnswer>();
const kept = new Map<string, { answer: SharedAnswer; until: number; staleUntil: number }>();
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
  const read = flights(key, async () => {
    const startedIn = generation;
    const answer = answerOf(await load());
    if (startedIn === generation) {
      if (kept.size >= MAX_KEPT) kept.clear();
      const at = performance.now();
      kept.set(key, { answer, until: at + SHARED_READ_FRESH_MS, staleUntil: at + SHARED_READ_FRESH_MS + SHARED_READ_STALE_MS });
    }
    return answer;
  });
  if (hit && hit.staleUntil > now) {
    // A failed read again is the next reader's to see, once this answer is too old to give.
    read.catch(() => undefined);
    return hit.answer;
  }
  return read;
}

/**
 * A read that identical requests share: one load and one serialisation answer every request with
 * the same key that arrives while it runs or within SHARED_READ_FRESH_MS after, and, for
 * SHARED_READ_STALE_MS more, while the next load runs; each then gets 304 or the body by its own
 * If-None-Match. Call it only after the request was authenticated and authorised: what is shared
 * is the query, never the check. An answer is at most one load and SHARED_READ_FRESH_MS +
 * SHARED_READ_STALE_MS older than the request, and fresh after a change made here forgot it.
 */
export async function sharedRead(request: Request, key: string, load: () => Promise<unknown>): Promise<Response> {
  return conditionalJson(request, await freshAnswer(key, load));
}
