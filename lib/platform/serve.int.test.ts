// The web server as `npm start` runs it (scripts/serve.ts): it hands batches of points to an
// ingestion process of its own (lib/platform/ingestion-process.ts), and no batch is lost while that
// process starts, dies or returns; it answers the polled reads without Next's router
// (lib/platform/direct-routes.ts), exactly as the route would through Next, and so does the
// ingestion process with each batch.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { seriesUrl } from "@/lib/metrics/series-url";
import { storeResolvedPoints } from "@/lib/metrics/sources/push/store";
import { makeMetricsDeployment } from "@/lib/metrics/test-deployment";
import { newRequestId } from "@/lib/mutation";
import { requestRollback } from "@/lib/rollbacks/request-rollback";
import { startWebInstance, type Child } from "@/lib/testing/child-process";
import { integrationDatabase } from "@/lib/testing/integration-database";
import { makeRollbackPlan, makeToken, makeUser } from "@/lib/testing/factories";
import { waitFor } from "@/lib/testing/rollback-scene";
import { findFreePort } from "./free-port";
import { openThrowawayDatabase, type LocalDatabase } from "./local-database";
import { ensureProductionBuild } from "./next-build";

let database: LocalDatabase;
let web: Child;
let baseUrl: string;

beforeAll(async () => {
  await ensureProductionBuild(() => {}, ".next");
  database = await openThrowawayDatabase({ databaseUrl: integrationDatabase().ownerUrl, label: "ingest" });
  process.env.DATABASE_URL = database.url;
  const port = await findFreePort(3480);
  web = await startWebInstance("web", port, database.url);
  baseUrl = `http://127.0.0.1:${port}`;
}, 600_000);

afterAll(async () => {
  await web?.stop();
  await db().$disconnect();
  await database?.release();
}, 60_000);

/** The pids of the ingestion processes the web server reported listening, in order. */
const ingestionPids = () => [...web.output().matchAll(/ingestion process (\d+) takes POST/g)].map((match) => Number(match[1]));

describe("the ingestion process behind npm start's web server", () => {
  it("takes batches apart from the web server, and stores every one: while it starts, while up, once killed and once back", async () => {
    const { slug, deployment } = await makeMetricsDeployment();
    const { token } = await makeToken("OPERATOR");
    let sent = 0;
    const send = async () => {
      const at = Date.now() - 60_000 + sent * 1_000;
      sent++;
      const response = await fetch(`${baseUrl}/api/v1/metrics`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ points: [{ deployment: slug, version: "v2", metric: "canary_accuracy", ts: new Date(at).toISOString(), value: 0.9 }] }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ accepted: 1, rejected: [] });
    };

    // The first batch starts the process and waits for it, rather than the web server storing a
    // flood of them meanwhile: it is answered once the process listens.
    await send();
    const [first] = await waitFor(async () => (ingestionPids().length === 1 ? ingestionPids() : null), "the ingestion process to have listened", 1_000);
    await send();

    // Frozen, the ingestion process holds the batch sent to it; the web server still answers.
    process.kill(first!, "SIGSTOP");
    let held = true;
    const heldBatch = send().finally(() => (held = false));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await fetch(`${baseUrl}/api/health`)).status).toBe(200);
    expect(held).toBe(true);
    process.kill(first!, "SIGCONT");
    await heldBatch;

    process.kill(first!, "SIGKILL");
    await waitFor(async () => web.output().includes(`ingestion process ${first} stopped`), "the web server to notice");
    await send();
    const [, second] = await waitFor(async () => (ingestionPids().length === 2 ? ingestionPids() : null), "the ingestion process to be back", 60_000);
    expect(second).not.toBe(first);
    await send();

    expect(await db().metricPoint.count({ where: { deploymentId: deployment.id } })).toBe(sent);
  }, 180_000);

  it("hands each batch to the metrics route's own handler, without Next's router: the same checks, answers and headers", async () => {
    const { slug, deployment } = await makeMetricsDeployment();
    const { token } = await makeToken("OPERATOR");
    const post = (body: string, authorization = `Bearer ${token}`) => fetch(`${baseUrl}/api/v1/metrics`, { method: "POST", headers: { authorization, "content-type": "application/json" }, body });
    const point = { deployment: slug, version: "v2", metric: "canary_accuracy", ts: new Date(Date.now() - 1_000).toISOString(), value: 0.9 };

    const stored = await post(JSON.stringify({ points: [point] }));
    expect(stored.status).toBe(200);
    expect(await stored.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect(stored.headers.get("server-timing")).toMatch(/^app;dur=/);
    expect(stored.headers.get("x-content-type-options")).toBe("nosniff");
    const refused = await post(JSON.stringify({ points: [{ ...point, value: "high" }] }));
    expect(await refused.json()).toMatchObject({ accepted: 0, rejected: [{ index: 0, error: expect.stringMatching(/^value: expected a finite number/) }] });
    const malformed = await post(`{"points": [`);
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).message).toMatch(/^body: not valid JSON/);
    expect((await post(JSON.stringify({ points: [point] }), "Bearer rg_not-a-token")).status).toBe(401);
    const huge = await post(JSON.stringify({ points: [point], padding: "x".repeat(9 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect((await huge.json()).message).toMatch(/^body: \d+ bytes is over the 8388608-byte limit/);
    expect(await db().metricPoint.count({ where: { deploymentId: deployment.id } })).toBe(1);
  }, 60_000);
});

describe("the polled reads, answered by their route handlers without Next's router", () => {
  /** A rollback awaiting approval (no worker runs it), and tokens to watch and to decide it. */
  async function watchedRollback() {
    const { slug, deployment } = await makeMetricsDeployment();
    await makeRollbackPlan(deployment.id);
    const operator = await makeUser("OPERATOR");
    const { id } = await requestRollback({ actor: operator.actor, requestId: newRequestId() }, { deploymentSlug: slug, mode: "instant", reason: "canary below its floor", origin: "manual" });
    return { slug, id, viewer: (await makeToken("VIEWER")).token, approver: (await makeToken("APPROVER")).token };
  }
  const read = (path: string, headers: Record<string, string> = {}, method = "GET") => fetch(`${baseUrl}${path}`, { method, headers });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it("answers with the route's own checks, validators and the security headers, and sees a change made through Next at once", async () => {
    const { id, viewer, approver } = await watchedRollback();
    const first = await read(`/api/v1/rollbacks/${id}`, bearer(viewer));
    expect(first.status).toBe(200);
    expect(first.headers.get("server-timing")).toMatch(/^app;dur=\d+(\.\d)?$/);
    expect(first.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(first.headers.get("x-frame-options")).toBe("DENY");
    expect(first.headers.get("x-content-type-options")).toBe("nosniff");
    expect(first.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await first.json()).toMatchObject({ id, status: "AWAITING_APPROVAL" });
    const etag = first.headers.get("etag")!;
    expect((await read(`/api/v1/rollbacks/${id}`, { ...bearer(viewer), "if-none-match": etag })).status).toBe(304);

    // Rejected through Next: the direct read must not answer from what it shared before.
    const rejected = await fetch(`${baseUrl}/api/v1/rollbacks/${id}/reject`, { method: "POST", headers: { ...bearer(approver), "content-type": "application/json" }, body: JSON.stringify({ note: "false alarm" }) });
    expect(rejected.status).toBe(200);
    expect(rejected.headers.get("server-timing")).toBeNull();
    const after = await read(`/api/v1/rollbacks/${id}`, { ...bearer(viewer), "if-none-match": etag });
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ id, status: "REJECTED" });
  });

  it("refuses as the route does: no credentials, a bad query, an unknown deployment", async () => {
    const { slug, viewer } = await watchedRollback();
    const anonymous = await read(`/api/v1/deployments/${slug}/degradation`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("server-timing")).not.toBeNull();
    expect(anonymous.headers.get("x-frame-options")).toBe("DENY");
    expect((await anonymous.json()).message).toContain("Authorization: Bearer");
    const badQuery = await read(`/api/v1/deployments/${slug}/series?range=1h`, bearer(viewer));
    expect(badQuery.status).toBe(400);
    expect((await badQuery.json()).message).toContain("query.range");
    expect((await read("/api/v1/deployments/no-such-deployment/series", bearer(viewer))).status).toBe(404);
  });

  it("sends the chart gzipped to a reader who takes it", async () => {
    const { slug, deployment, v2 } = await makeMetricsDeployment();
    const times = Array.from({ length: 300 }, (_, i) => Date.now() - (i + 1) * 60_000);
    await storeResolvedPoints({ deploymentIds: times.map(() => deployment.id), metrics: times.map(() => "canary_accuracy"), versionIds: times.map(() => v2.id), times, values: times.map((_, i) => 0.9 + i / 10_000), counts: times.map(() => 20) });
    const series = await read(seriesUrl(slug, "canary_accuracy", { range: "24h" }, 1000), { ...bearer((await makeToken("VIEWER")).token), "accept-encoding": "gzip" });
    expect(series.status).toBe(200);
    expect(series.headers.get("server-timing")).not.toBeNull();
    expect(series.headers.get("content-encoding")).toBe("gzip");
    expect(series.headers.get("vary")).toBe("accept-encoding");
    const body = (await series.json()) as { series: { version: string; points: unknown[] }[] };
    expect(body.series.find((s) => s.version === "v2")?.points.length).toBeGreaterThan(100);
  });

  it("leaves Next whatever it could read differently: another method, a segment that does not decode", async () => {
    const { id, viewer } = await watchedRollback();
    const head = await read(`/api/v1/rollbacks/${id}`, bearer(viewer), "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers.get("server-timing")).toBeNull();
    const undecodable = await read("/api/v1/rollbacks/%E0%A4%A", bearer(viewer));
    expect(undecodable.headers.get("server-timing")).toBeNull();
    expect(undecodable.status).toBeGreaterThanOrEqual(400);
  });
});
