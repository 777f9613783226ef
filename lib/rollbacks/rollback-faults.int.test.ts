// Faults with real processes: a PostgreSQL of this suite's own (it is restarted under the
// rollback), the serving simulator, and workers run as `npm run worker` (killed mid-ramp too).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET as healthRoute } from "@/app/api/health/route";
import { GET as rollbackRoute } from "@/app/api/v1/rollbacks/[id]/route";
import { db } from "@/lib/db";
import { stopBoss } from "@/lib/jobs/boss";
import { openThrowawayDatabase, type LocalDatabase } from "@/lib/platform/local-database";
import { startWorkerProcess, type Child } from "@/lib/testing/child-process";
import { makeToken } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";
import { dwelling, finishedRollback, makeIncident, servingChanges, type IncidentOptions } from "@/lib/testing/rollback-scene";
import { getRollback } from "./rollback-views";
import { startSimulatorProcess, type SimulatorProcess } from "./simulator-process";

// Short enough to keep the suite quick, long enough to be real: a serving call gives up after
// 0.5 s and is tried twice; a dead worker's lease is taken over after 3 s; a dwell reads the
// serving plane every 0.5 s.
const WORKER_ENV = {
  ROLLBACK_CONSUMER_ACK_TIMEOUT_MS: "700",
  ROLLBACK_LEASE_MS: "3000",
  ROLLBACK_DWELL_POLL_MS: "500",
  SERVING_TIMEOUT_MS: "500",
  SERVING_RETRIES: "1",
  SERVING_BACKOFF_MS: "50",
};
const EVERY_CHANGE_ONCE = ["PUT /manifest", "PUT /pin", "PUT /traffic", "PUT /traffic", "POST /invalidations"];

let database: LocalDatabase;
let sim: SimulatorProcess;
let worker: Child;
const workers: Child[] = [];

const startWorker = async (name: string) => {
  const started = await startWorkerProcess(name, database.url, WORKER_ENV);
  workers.push(started);
  return started;
};
const incident = (options: IncidentOptions = {}) => makeIncident(sim, options);
const cluster = () => {
  if (!database.cluster) throw new Error("the fault suite needs an embedded cluster it can restart");
  return database.cluster;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A ramped rollback, approved, with its 10% stage dwelling: the moment to break something. */
async function rampInItsDwell(dwellSeconds: number) {
  const scene = await incident({ dwellSeconds });
  const { id } = await scene.request("ramp");
  await sim.control("DELETE", "/sim/requests");
  await scene.approve(id);
  await dwelling(id, 3);
  return { scene, id };
}

beforeAll(async () => {
  // Always an embedded cluster, even when DATABASE_URL names a server: this suite restarts it.
  database = await openThrowawayDatabase({ label: "faults" });
  process.env.DATABASE_URL = database.url;
  sim = await startSimulatorProcess();
  worker = await startWorker("worker");
}, 180_000);

// Each test starts with a worker running, even if the one before killed it or it died.
beforeEach(async () => {
  if (worker.exitCode() !== null) worker = await startWorker("worker-replacement");
});

afterEach(({ task }) => {
  if (task.result?.state === "fail") console.log(`[faults] ${worker.name} printed:\n${worker.output().slice(-4_000)}`);
});

afterAll(async () => {
  await Promise.allSettled(workers.map((w) => w.stop()));
  await stopBoss();
  await db().$disconnect();
  await sim?.stop();
  await database?.release();
}, 60_000);

describe("PostgreSQL restarting mid-rollback", () => {
  it("(pg_ctl restart -m fast during a ramp's dwell) leaves the worker running, and it resumes and completes without repeating a change", async () => {
    const { scene, id } = await rampInItsDwell(3);
    await cluster().pgCtl("restart");
    const back = Date.now();

    const op = await finishedRollback(id, 30_000);
    console.log(`[faults] PostgreSQL back after pg_ctl restart -m fast → rollback COMPLETED ${seconds(op.completedAt!.getTime() - back)} later (dwell 3 s)`);
    expect(op).toMatchObject({ status: "COMPLETED", failureReason: null });
    expect(op.completedAt!.getTime() - back).toBeLessThan(30_000);
    expect(await servingChanges(sim, scene.deployment.slug)).toEqual(EVERY_CHANGE_ONCE);
    expect(worker.exitCode()).toBeNull();
  });

  it("answers 503 with Retry-After on the API and health while it is down, and the rollback completes once it is back", async () => {
    const { token } = await makeToken("VIEWER");
    const { scene, id } = await rampInItsDwell(2);
    await cluster().pgCtl("stop");
    let back: number;
    try {
      const api = await rollbackRoute(apiRequest(`/api/v1/rollbacks/${id}`, { token }), params({ id }));
      expect(api.status).toBe(503);
      expect(api.headers.get("retry-after")).toBe("5");
      expect(await api.json()).toMatchObject({ error: "UNAVAILABLE", message: expect.stringContaining("database is not answering") });
      const health = await healthRoute();
      expect(health.status).toBe(503);
      expect(health.headers.get("retry-after")).toBe("5");
      // Long enough for the worker to meet the outage on its dwell's reads and lease renewals.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(worker.exitCode()).toBeNull();
    } finally {
      await cluster().pgCtl("start");
      back = Date.now();
    }

    const op = await finishedRollback(id, 30_000);
    console.log(`[faults] PostgreSQL back after 3 s down → rollback COMPLETED ${seconds(op.completedAt!.getTime() - back)} later`);
    expect(op.status).toBe("COMPLETED");
    expect(op.completedAt!.getTime() - back).toBeLessThan(30_000);
    expect(await servingChanges(sim, scene.deployment.slug)).toEqual(EVERY_CHANGE_ONCE);
    expect((await healthRoute()).status).toBe(200);
  });
});

describe("a worker killed mid-ramp (SIGKILL)", () => {
  it("is taken over by the next worker once its lease expires, which completes the rollback repeating nothing", async () => {
    const { scene, id } = await rampInItsDwell(3);
    await worker.kill();
    const killed = Date.now();
    worker = await startWorker("worker-after-kill");

    const op = await finishedRollback(id, 30_000);
    console.log(`[faults] worker killed → rollback COMPLETED by the next worker ${seconds(op.completedAt!.getTime() - killed)} later (lease 3 s)`);
    expect(op.status).toBe("COMPLETED");
    const view = await getRollback(id);
    expect(view.steps.map((s) => s.status)).toEqual(Array(7).fill("SUCCEEDED"));
    expect(view.steps[3]!.attempts).toBe(2);
    expect(await servingChanges(sim, scene.deployment.slug)).toEqual(EVERY_CHANGE_ONCE);
  });
});

describe("a serving plane that misbehaves", () => {
  it.each([
    ["failing (every request 503)", { errorRate: 1 }, /^preflight: serving API failed after 2 attempts \(.*simulated outage/],
    ["slow (answers after 5 s)", { latencyMs: 5_000 }, /^preflight: serving API did not answer in time after 2 attempts/],
    ["hanging (never answers)", { hang: true }, /^preflight: serving API did not answer in time after 2 attempts/],
  ])("%s: the rollback ends FAILED within seconds, with a cause that names it", async (_, fault, cause) => {
    const scene = await incident();
    const { id } = await scene.request("instant");
    await sim.control("PUT", "/sim/faults", { deployment: scene.deployment.slug, ...fault });
    try {
      const approved = Date.now();
      await scene.approve(id);
      const op = await finishedRollback(id, 15_000);
      expect(op.status).toBe("FAILED");
      expect(op.failureReason).toMatch(cause);
      expect(op.failedAt!.getTime() - approved).toBeLessThan(10_000);
    } finally {
      await sim.control("DELETE", "/sim/faults");
    }
    expect((await db().deployment.findUniqueOrThrow({ where: { id: scene.deployment.id } })).state).toBe("STABLE");
  });

  it("going away during a ramp's dwell fails the stage within one poll, not at the end of the dwell", async () => {
    const { scene, id } = await rampInItsDwell(20);
    await sim.control("PUT", "/sim/faults", { deployment: scene.deployment.slug, hang: true });
    const outage = Date.now();
    try {
      const op = await finishedRollback(id, 15_000);
      console.log(`[faults] serving plane hung during a 20 s dwell → stage FAILED ${seconds(op.failedAt!.getTime() - outage)} later`);
      expect(op.status).toBe("FAILED");
      expect(op.failureReason).toMatch(/^shift_traffic: the serving plane stopped answering during the 10% dwell: serving API did not answer in time/);
      expect(op.failedAt!.getTime() - outage).toBeLessThan(5_000);
    } finally {
      await sim.control("DELETE", "/sim/faults");
    }
  });
});
