import { afterEach, describe, expect, it, vi } from "vitest";
import { GET as seriesRoute } from "@/app/api/v1/deployments/[deployment]/series/route";
import { POST as cancelRoute } from "@/app/api/v1/rollbacks/[id]/cancel/route";
import { GET as rollbackRoute } from "@/app/api/v1/rollbacks/[id]/route";
import { POST as ingestRoute } from "@/app/api/v1/metrics/route";
import { db } from "@/lib/db";
import { forgetSharedReads, SHARED_READ_FRESH_MS, SHARED_READ_STALE_MS } from "@/lib/http/shared-read";
import { getSeries } from "@/lib/metrics/series";
import { makeMetricsDeployment } from "@/lib/metrics/test-deployment";
import { makeApprovedRollback, makeToken } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";

// The series loads as it does in production; the spy only counts and, when asked, holds the load
// open so that requests arriving meanwhile can be seen to share it.
let hold: Promise<void> | null = null;
vi.mock("@/lib/metrics/series", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/metrics/series")>();
  return { ...real, getSeries: vi.fn(async (...args: Parameters<typeof real.getSeries>) => (await hold, real.getSeries(...args))) };
});

afterEach(() => {
  hold = null;
  vi.mocked(getSeries).mockClear();
});

const MIN = 60_000;
/** Waits until a shared answer can no longer answer at all. */
const lapse = () => new Promise((resolve) => setTimeout(resolve, SHARED_READ_FRESH_MS + SHARED_READ_STALE_MS + 50));

async function watchedDeployment() {
  const { slug } = await makeMetricsDeployment({ promotedAt: new Date(Date.now() - 7 * 86_400_000) });
  const { token } = await makeToken("OPERATOR");
  const ingest = async (version: string, at: number, value: number) => {
    const response = await ingestRoute(apiRequest("/api/v1/metrics", { token, body: { points: [{ deployment: slug, version, metric: "canary_accuracy", ts: new Date(at).toISOString(), value }] } }), params({}));
    expect(await response.json()).toMatchObject({ accepted: 1 });
  };
  const series = (from: number, to: number, headers: Record<string, string> = {}, as = token) => {
    const query = new URLSearchParams({ metric: "canary_accuracy", from: new Date(from).toISOString(), to: new Date(to).toISOString(), maxPoints: "100" });
    return seriesRoute(apiRequest(`/api/v1/deployments/${slug}/series?${query}`, { token: as, headers }), params({ deployment: slug }));
  };
  return { slug, token, ingest, series };
}

const values = async (response: Response) => ((await response.json()) as { series: { version: string; points: { value: number }[] }[] }).series.flatMap((s) => s.points.map((p) => p.value));

describe("GET …/series: validators and caching", () => {
  it("answers 304 to a reader who already holds the answer, and a new ETag once a new point is ingested", async () => {
    const { ingest, series } = await watchedDeployment();
    const now = Date.now();
    await ingest("v2", now - 2 * MIN, 0.91);
    const first = await series(now - 60 * MIN, now + MIN);
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers.get("cache-control")).toBe("private, no-cache");
    expect(await values(first)).toEqual([0.91]);

    const again = await series(now - 60 * MIN, now + MIN, { "if-none-match": etag! });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");

    await ingest("v2", now - MIN, 0.93);
    await lapse();
    const changed = await series(now - 60 * MIN, now + MIN, { "if-none-match": etag! });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(await values(changed)).toEqual([0.91, 0.93]);
  });

  it("never marks a past range immutable: ingestion takes late points for any time within retention", async () => {
    const { ingest, series } = await watchedDeployment();
    const [from, to] = [Date.now() - 3 * 86_400_000, Date.now() - 2 * 86_400_000];
    await ingest("v2", from + 60 * MIN, 0.9);
    const past = await series(from, to);
    expect(past.headers.get("cache-control")).toBe("private, no-cache");
    const live = await series(Date.now() - 60 * MIN, Date.now());
    expect(live.headers.get("cache-control")).toBe("private, no-cache");

    await ingest("v1", from + 90 * MIN, 0.8);
    await lapse();
    const late = await series(from, to, { "if-none-match": past.headers.get("etag")! });
    expect(late.status).toBe(200);
    expect((await values(late)).sort()).toEqual([0.8, 0.9]);
  });

  it("runs one query for readers asking the same range at once, and still refuses a reader without access", async () => {
    const { ingest, series } = await watchedDeployment();
    const now = Date.now();
    await ingest("v2", now - MIN, 0.92);
    const disabled = await makeToken("VIEWER");
    await db().user.update({ where: { id: disabled.user.id }, data: { disabledAt: new Date() } });
    let release!: () => void;
    hold = new Promise((resolve) => (release = resolve));
    const readers = Array.from({ length: 20 }, () => series(now - 60 * MIN, now));
    const refused = [series(now - 60 * MIN, now, {}, disabled.token), series(now - 60 * MIN, now, {}, "not-a-token")];
    await new Promise((resolve) => setTimeout(resolve, 500));
    release();
    const answers = await Promise.all(readers);
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((r) => r.headers.get("etag"))).size).toBe(1);
    expect((await Promise.all(refused)).map((r) => r.status)).toEqual([401, 401]);
    expect(vi.mocked(getSeries)).toHaveBeenCalledTimes(1);

    const other = await series(now - 30 * MIN, now);
    expect(other.status).toBe(200);
    expect(vi.mocked(getSeries)).toHaveBeenCalledTimes(2);
  });

  it("keeps a finished answer for readers polling within a second, answers from it a few seconds more while one read runs again, then waits for a new read", async () => {
    const { ingest, series } = await watchedDeployment();
    const now = Date.now();
    await ingest("v2", now - 60 * MIN, 0.9);
    // The clock the kept answers go by stands still until moved, however slow this machine is.
    vi.useFakeTimers({ toFake: ["performance"] });
    try {
      const first = await series(now - 120 * MIN, now);
      const second = await series(now - 120 * MIN, now);
      expect(vi.mocked(getSeries)).toHaveBeenCalledTimes(1);
      expect(await second.text()).toBe(await first.text());

      await ingest("v1", now - 30 * MIN, 0.8);
      vi.advanceTimersByTime(SHARED_READ_FRESH_MS - 1);
      expect(await values(await series(now - 120 * MIN, now))).not.toContain(0.8);
      expect(vi.mocked(getSeries)).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(2);
      // No longer fresh: answered at once from the kept answer, while one read runs again.
      expect(await values(await series(now - 120 * MIN, now))).not.toContain(0.8);
      await vi.waitFor(async () => expect(await values(await series(now - 120 * MIN, now))).toContain(0.8));
      expect(vi.mocked(getSeries)).toHaveBeenCalledTimes(2);

      // Too old to answer from: the reader waits for the new read.
      await ingest("v1", now - 20 * MIN, 0.7);
      vi.advanceTimersByTime(SHARED_READ_FRESH_MS + SHARED_READ_STALE_MS + 1);
      expect(await values(await series(now - 120 * MIN, now))).toContain(0.7);
      expect(vi.mocked(getSeries)).toHaveBeenCalledTimes(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps nothing from a read that began before a change committed", async () => {
    const { ingest, series } = await watchedDeployment();
    const now = Date.now();
    await ingest("v2", now - 60 * MIN, 0.9);
    let release!: () => void;
    hold = new Promise((resolve) => (release = resolve));
    const before = series(now - 120 * MIN, now);
    await new Promise((resolve) => setTimeout(resolve, 200));
    forgetSharedReads();
    release();
    expect((await before).status).toBe(200);
    hold = null;
    expect((await series(now - 120 * MIN, now)).status).toBe(200);
    expect(vi.mocked(getSeries)).toHaveBeenCalledTimes(2);
  });
});

describe("GET /api/v1/rollbacks/{id}: validators", () => {
  it("answers 304 while the rollback is unchanged and the new state once it changes", async () => {
    const { id } = await makeApprovedRollback({ kind: "http", baseUrl: "http://127.0.0.1:9" }, { mode: "instant" });
    const { token } = await makeToken("OPERATOR");
    const status = (headers: Record<string, string> = {}) => rollbackRoute(apiRequest(`/api/v1/rollbacks/${id}`, { token, headers }), params({ id }));
    const first = await status();
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("private, no-cache");
    const etag = first.headers.get("etag")!;
    expect(await first.json()).toMatchObject({ id, status: "APPROVED" });
    expect((await status({ "if-none-match": etag })).status).toBe(304);
    expect((await status({ "if-none-match": `"other", W/${etag}` })).status).toBe(304);

    const approver = await makeToken("APPROVER");
    const cancelled = await cancelRoute(apiRequest(`/api/v1/rollbacks/${id}/cancel`, { token: approver.token, body: { note: "false alarm" } }), params({ id }));
    expect(cancelled.status).toBe(200);
    const after = await status({ "if-none-match": etag });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(etag);
    expect(await after.json()).toMatchObject({ id, status: "CANCELLED" });
  });
});
