// Two web instances (the production build behind `npm start`'s server) and two workers (`npm run worker`) on
// one PostgreSQL, and once more with all of them going through a transaction-pooling PgBouncer:
// a policy is evaluated once per interval, a request makes one rollback, an event one webhook.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { integrationDatabase } from "@/lib/testing/integration-database";
import { db } from "@/lib/db";
import { stopBoss } from "@/lib/jobs/boss";
import { storeResolvedPoints } from "@/lib/metrics/sources/push/store";
import { startSimulatorProcess, type SimulatorProcess } from "@/lib/rollbacks/simulator-process";
import { startWebInstance, startWorkerProcess, type Child } from "@/lib/testing/child-process";
import { makeDeployment, makePolicy, makeRollbackPlan, makeToken } from "@/lib/testing/factories";
import { startPgBouncer, type PgBouncer } from "@/lib/testing/pgbouncer";
import { finishedRollback, servingChanges, waitFor } from "@/lib/testing/rollback-scene";
import { findFreePort } from "./free-port";
import { openThrowawayDatabase, type LocalDatabase } from "./local-database";
import { ensureProductionBuild } from "./next-build";

const INTERVAL_SECONDS = 2;
const INSTANT_CHANGES = ["PUT /manifest", "PUT /pin", "PUT /traffic", "POST /invalidations"];
const WORKER_ENV = { ROLLBACK_CONSUMER_ACK_TIMEOUT_MS: "700", ROLLBACK_LEASE_MS: "5000" };

let database: LocalDatabase;
let sim: SimulatorProcess;
let bouncer: PgBouncer;
let receiver: Server;
let receiverUrl: string;
/** Deliveries the webhook receiver got, as `event rollbackId`. */
const deliveries: string[] = [];

beforeAll(async () => {
  // The same production build `npm start` and the browser tests use: built once, reused after.
  await ensureProductionBuild(() => {}, ".next");
  // A database (and app role) of its own on the test server, so these workers see nothing of
  // other suites'; made by the owner, as only it may.
  database = await openThrowawayDatabase({ databaseUrl: integrationDatabase().ownerUrl, label: "scale" });
  process.env.DATABASE_URL = database.url;
  sim = await startSimulatorProcess();
  bouncer = await startPgBouncer(database.url);
  receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const { reversegate } = JSON.parse(body) as { reversegate: { event: string; rollbackId?: string; detectionId?: string } };
      // A detection's event is about the detection; the others about their rollback.
      deliveries.push(`${reversegate.event} ${reversegate.event.startsWith("detection.") ? reversegate.detectionId : reversegate.rollbackId}`);
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
}, 600_000);

afterAll(async () => {
  await stopBoss();
  await db().$disconnect();
  await new Promise((resolve) => receiver?.close(resolve));
  await bouncer?.stop();
  await sim?.stop();
  await database?.release();
}, 60_000);

/**
 * Each evaluation of the policy, as the policy records it (lastEvaluatedAt is the evaluation's
 * clock), read every 100 ms from the first evaluation for `forMs`.
 */
async function watchEvaluations(policyId: string, forMs: number): Promise<number[]> {
  const seen = new Set<number>();
  const giveUpAt = Date.now() + 120_000;
  let until: number | null = null;
  while (until === null ? Date.now() < giveUpAt : Date.now() < until) {
    const policy = await db().rollbackPolicy.findUniqueOrThrow({ where: { id: policyId }, select: { lastEvaluatedAt: true } });
    if (policy.lastEvaluatedAt) {
      seen.add(policy.lastEvaluatedAt.getTime());
      until ??= Date.now() + forMs;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return [...seen].sort((a, b) => a - b);
}

/**
 * A deployment with v14 live well below its floor from a minute ago to two minutes ahead (as a
 * collector would keep reporting), and a policy that requests an instant rollback on a breach,
 * evaluated every 2 s.
 */
async function breachingDeployment() {
  const made = await makeDeployment({ versions: ["v12", "v13", "v14"], serving: { kind: "http", baseUrl: sim.url } });
  await sim.serving.pinVersion(made.deployment.slug, { version: "v14" });
  const policy = await makePolicy(made.deployment.id, {
    windowSeconds: 10,
    evaluationIntervalSeconds: INTERVAL_SECONDS,
    sampleIntervalSeconds: 1,
    minSamples: 3,
    action: "REQUEST",
  });
  await makeRollbackPlan(made.deployment.id, { mode: "INSTANT", rampStages: [100] });
  const v14 = made.versions.find((v) => v.version === "v14")!;
  const times = Array.from({ length: 180 }, (_, i) => Date.now() + (i - 60) * 1_000);
  await storeResolvedPoints({
    deploymentIds: times.map(() => made.deployment.id),
    metrics: times.map(() => "canary_accuracy"),
    versionIds: times.map(() => v14.id),
    times,
    values: times.map(() => 0.5),
    counts: times.map(() => 20),
  });
  return { ...made, policy };
}

describe.each([
  ["on one PostgreSQL", false],
  ["through PgBouncer (pool_mode = transaction)", true],
])("two web instances and two workers %s", (_, throughBouncer) => {
  const processes: Child[] = [];
  let webs: string[] = [];
  let scene: Awaited<ReturnType<typeof breachingDeployment>>;
  let manual: Awaited<ReturnType<typeof makeDeployment>>;
  let evaluations: Promise<number[]>;

  beforeAll(async () => {
    const url = throughBouncer ? bouncer.via(database.url) : database.url;
    // The policy exists before the workers start, so their first dispatch picks it up.
    scene = await breachingDeployment();
    manual = await makeDeployment({ versions: ["v20", "v21"], serving: { kind: "http", baseUrl: sim.url } });
    await sim.serving.pinVersion(manual.deployment.slug, { version: "v21" });
    await sim.control("DELETE", "/sim/requests");
    await db().webhook.updateMany({ data: { enabled: false } });
    await db().webhook.create({ data: { name: "counter", url: receiverUrl, secret: "scale-out-webhook-secret", events: [] } });
    // From before the workers start: their start-up dispatches are when ticks could pile up.
    evaluations = watchEvaluations(scene.policy.id, 5 * INTERVAL_SECONDS * 1000);
    const ports = [await findFreePort(), await findFreePort()];
    const started = await Promise.all([
      ...ports.map((port, i) => startWebInstance(`web-${i + 1}`, port, url)),
      startWorkerProcess("worker-1", url, WORKER_ENV),
      startWorkerProcess("worker-2", url, WORKER_ENV),
    ]);
    processes.push(...started);
    webs = ports.map((port) => `http://127.0.0.1:${port}`);
  }, 180_000);

  afterAll(async () => {
    await Promise.allSettled(processes.map((child) => child.stop()));
  }, 60_000);

  it("evaluates the policy once per interval, makes one rollback per request, and sends one webhook per event", async () => {
    const operator = await makeToken("OPERATOR");
    const approver = await makeToken("APPROVER");
    const post = (base: string, path: string, token: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${base}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

    // The breach is detected once and requests one rollback, however many workers evaluate.
    const requested = await waitFor(
      () => db().rollbackOperation.findFirst({ where: { deploymentId: scene.deployment.id } }),
      "the policy's rollback request",
      30_000,
    );
    // Approved on both instances at once: one approval, one execution.
    const approvals = await Promise.all(webs.map((web) => post(web, `/api/v1/rollbacks/${requested.id}/approve`, approver.token, {})));
    expect(approvals.map((r) => r.status).sort()).toEqual([200, 409]);

    // The same request sent to both instances, with and without an Idempotency-Key: one rollback.
    const path = `/api/v1/deployments/${manual.deployment.slug}/rollbacks`;
    const body = { mode: "instant", reason: "operator saw errors in the canary dashboard" };
    const requests = await Promise.all([
      ...webs.map((web) => post(web, path, operator.token, body, { "idempotency-key": "scale-out-1" })),
      ...webs.map((web) => post(web, path, operator.token, body)),
    ]);
    const answers = await Promise.all(requests.map(async (r) => ({ status: r.status, id: ((await r.json()) as { id?: string }).id })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.every((a) => [200, 201, 409].includes(a.status))).toBe(true);
    const manualOps = await db().rollbackOperation.findMany({ where: { deploymentId: manual.deployment.id } });
    expect(manualOps).toHaveLength(1);
    expect(answers.filter((a) => a.status < 300).every((a) => a.id === manualOps[0]!.id)).toBe(true);
    expect((await post(webs[0]!, `/api/v1/rollbacks/${manualOps[0]!.id}/approve`, approver.token, {})).status).toBe(200);

    for (const op of [requested, manualOps[0]!]) expect(await finishedRollback(op.id, 30_000)).toMatchObject({ status: "COMPLETED" });
    expect(await servingChanges(sim, scene.deployment.slug)).toEqual(INSTANT_CHANGES);
    expect(await servingChanges(sim, manual.deployment.slug)).toEqual(INSTANT_CHANGES);
    expect(await db().detection.count({ where: { deploymentId: scene.deployment.id } })).toBe(1);
    expect(await db().rollbackOperation.count({ where: { deploymentId: scene.deployment.id } })).toBe(1);

    // Over the first five intervals, both workers starting and polling: one evaluation per interval, never two.
    const evaluated = await evaluations;
    const gaps = evaluated.slice(1).map((at, i) => at - evaluated[i]!);
    expect(evaluated.length).toBeGreaterThanOrEqual(3);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(INTERVAL_SECONDS * 1000);

    // Each event once per rollback, whichever instance or worker announced it.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(deliveries.filter((d) => d === `detection.created ${requested.detectionId}`)).toHaveLength(1);
    for (const op of [requested, manualOps[0]!]) {
      const mine = deliveries.filter((d) => d.startsWith("rollback.") && d.endsWith(` ${op.id}`)).sort();
      expect(mine).toEqual([`rollback.approved ${op.id}`, `rollback.completed ${op.id}`, `rollback.requested ${op.id}`]);
    }
  }, 120_000);
});
