// Two workers racing for one operation through a real PgBouncer in transaction pooling mode
// with one server connection per pool: PgBouncer hands a quiet pool's same idle connection to
// whoever asks next, so a session advisory lock taken on it is "held" by every worker at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { stopBoss } from "@/lib/jobs/boss";
import { rollbackOutcomes } from "@/lib/jobs/rollback-outcomes";
import { startPgBouncer, type PgBouncer } from "@/lib/testing/pgbouncer";
import { makeIncident, servingChanges } from "@/lib/testing/rollback-scene";
import { executeRollback } from "./execute-rollback";
import { startSimulatorProcess, type SimulatorProcess } from "./simulator-process";

let bouncer: PgBouncer;
let sim: SimulatorProcess;

beforeAll(async () => {
  bouncer = await startPgBouncer(process.env.DATABASE_URL!, { poolSize: 1 });
  process.env.DATABASE_URL = bouncer.via(process.env.DATABASE_URL!);
  sim = await startSimulatorProcess();
}, 60_000);

afterAll(async () => {
  await stopBoss();
  await db().$disconnect();
  await sim?.stop();
  await bouncer?.stop();
}, 60_000);

describe("through PgBouncer (pool_mode = transaction, one server connection)", () => {
  it("two workers racing for one operation: exactly one executes it, the other is told it is busy", async () => {
    const scene = await makeIncident(sim);
    const { id } = await scene.request("ramp");
    await sim.control("DELETE", "/sim/requests");
    await scene.approve(id);
    const race = () => executeRollback(id, { outcomes: rollbackOutcomes, consumerAckTimeoutMs: 700 });
    const outcomes = await Promise.all([race(), race()]);
    expect(outcomes.sort()).toEqual(["busy", "completed"]);
    expect(await servingChanges(sim, scene.deployment.slug)).toEqual(["PUT /manifest", "PUT /pin", "PUT /traffic", "PUT /traffic", "POST /invalidations"]);
    const steps = await db().rollbackStep.findMany({ where: { operationId: id } });
    expect(steps.every((step) => step.attempts === 1)).toBe(true);
  });
});
