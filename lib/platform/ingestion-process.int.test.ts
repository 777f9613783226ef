// The web server as `npm start` runs it hands batches of points to an ingestion process of its own
// (lib/platform/ingestion-process.ts): no batch is lost while that process starts, dies or returns.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { makeMetricsDeployment } from "@/lib/metrics/test-deployment";
import { startWebInstance, type Child } from "@/lib/testing/child-process";
import { integrationDatabase } from "@/lib/testing/integration-database";
import { makeToken } from "@/lib/testing/factories";
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
  it("takes batches apart from the web server, and stores every one: before it is up, while up, once killed and once back", async () => {
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

    // The first batch starts the process and is stored by the web server meanwhile.
    await send();
    const [first] = await waitFor(async () => (ingestionPids().length === 1 ? ingestionPids() : null), "the ingestion process to listen", 60_000);
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
});
