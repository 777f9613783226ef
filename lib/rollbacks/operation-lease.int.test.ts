// The operation lease through a real PgBouncer in transaction pooling mode, where a session
// advisory lock stays on a pooled server connection after its worker is gone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "@/lib/actor";
import { db } from "@/lib/db";
import { stopBoss } from "@/lib/jobs/boss";
import { newRequestId, runMutation } from "@/lib/mutation";
import { startWorkerProcess, type Child } from "@/lib/testing/child-process";
import { startPgBouncer, type PgBouncer } from "@/lib/testing/pgbouncer";
import { dwelling, finishedRollback, makeIncident, servingChanges } from "@/lib/testing/rollback-scene";
import { acquireLease, LeaseLost, type OperationLease } from "./operation-lease";
import { startSimulatorProcess, type SimulatorProcess } from "./simulator-process";

const EVERY_CHANGE_ONCE = ["PUT /manifest", "PUT /pin", "PUT /traffic", "PUT /traffic", "POST /invalidations"];

let bouncer: PgBouncer;
let sim: SimulatorProcess;
let throughBouncer: string;
const workers: Child[] = [];

beforeAll(async () => {
  const direct = process.env.DATABASE_URL!;
  bouncer = await startPgBouncer(direct);
  throughBouncer = bouncer.via(direct);
  // This process's queries go through PgBouncer too.
  process.env.DATABASE_URL = throughBouncer;
  sim = await startSimulatorProcess();
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(workers.map((w) => w.stop()));
  await stopBoss();
  await db().$disconnect();
  await sim?.stop();
  await bouncer?.stop();
}, 60_000);

function acquired(attempt: Awaited<ReturnType<typeof acquireLease>>): OperationLease {
  if (attempt.status !== "acquired") throw new Error(`expected the lease, got ${attempt.status}`);
  return attempt.lease;
}

describe("through PgBouncer (pool_mode = transaction)", () => {
  it("a worker that dies holds the operation only until its lease expires; then the next worker resumes it, repeating nothing", async () => {
    const env = { ROLLBACK_LEASE_MS: "3000", ROLLBACK_CONSUMER_ACK_TIMEOUT_MS: "700" };
    const first = await startWorkerProcess("worker-1", throughBouncer, env);
    workers.push(first);
    const scene = await makeIncident(sim, { dwellSeconds: 3 });
    const { id } = await scene.request("ramp");
    await sim.control("DELETE", "/sim/requests");
    await scene.approve(id);
    // Wake-ups do not come through PgBouncer: the worker's polling finds the job.
    await dwelling(id, 3, 30_000);
    await first.kill();
    workers.push(await startWorkerProcess("worker-2", throughBouncer, env));

    const op = await finishedRollback(id, 30_000);
    expect(op.status).toBe("COMPLETED");
    expect(await servingChanges(sim, scene.deployment.slug)).toEqual(EVERY_CHANGE_ONCE);
    const lease = await db().rollbackLease.findUniqueOrThrow({ where: { operationId: id } });
    expect(lease.token).toBeGreaterThanOrEqual(2);
  }, 90_000);

  it("a worker whose lease was taken over cannot write, and learns it lost the lease", async () => {
    const scene = await makeIncident(sim);
    const { id } = await scene.request("instant");
    const stale = acquired(await acquireLease(id, "worker-a", 10_000));
    // worker-a's renewals stop reaching the database (a pause, a network partition) until its lease runs out.
    await db().$executeRaw`UPDATE "RollbackLease" SET "expiresAt" = now() - interval '1 second' WHERE "operationId" = ${id}`;
    const current = acquired(await acquireLease(id, "worker-b", 10_000));
    expect(current.token).toBe(stale.token + 1);
    expect(await acquireLease(id, "worker-c", 10_000)).toMatchObject({ status: "busy", holder: "worker-b" });

    const writeAs = (lease: OperationLease) =>
      runMutation({ actor: SYSTEM_ACTOR, requestId: newRequestId(), guard: lease.fence }, "ADMIN", ({ tx }) =>
        tx.rollbackStep.updateMany({ where: { operationId: id, position: 0 }, data: { error: `written by ${lease.holder}` } }),
      );
    await expect(writeAs(stale)).rejects.toBeInstanceOf(LeaseLost);
    expect(stale.lost.aborted).toBe(true);
    await writeAs(current);
    const step = await db().rollbackStep.findUniqueOrThrow({ where: { operationId_position: { operationId: id, position: 0 } } });
    expect(step.error).toBe("written by worker-b");
    await current.release();
    expect(await acquireLease(id, "worker-c", 10_000)).toMatchObject({ status: "acquired" });
  });
});
