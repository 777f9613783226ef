// Outcome subscribers run inside the transaction that records a rollback's end, through the
// executor itself, against the real serving simulator.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { stopBoss } from "@/lib/jobs/boss";
import { rollbackOutcomes } from "@/lib/jobs/rollback-outcomes";
import { newRequestId } from "@/lib/mutation";
import { makeDeployment, makeUser } from "@/lib/testing/factories";
import { approveRollback } from "./decide-rollback";
import { executeRollback } from "./execute-rollback";
import { requestRollback } from "./request-rollback";
import { startSimulatorProcess, type SimulatorProcess } from "./simulator-process";

let sim: SimulatorProcess;

beforeAll(async () => {
  sim = await startSimulatorProcess();
});

afterAll(async () => {
  await stopBoss();
  await sim?.stop();
});

/** An approved instant rollback of v14 (live on the simulator) to v13, not yet executed. */
async function approvedRollback() {
  const made = await makeDeployment({ versions: ["v13", "v14"], serving: { kind: "http", baseUrl: sim.url } });
  await sim.serving.pinVersion(made.deployment.slug, { version: "v14" });
  const operator = await makeUser("OPERATOR");
  const approver = await makeUser("APPROVER");
  const { id } = await requestRollback(
    { actor: operator.actor, requestId: newRequestId() },
    { deploymentSlug: made.deployment.slug, mode: "instant", reason: "canary below its floor", origin: "manual" },
  );
  await approveRollback({ actor: approver.actor, requestId: newRequestId() }, id);
  return { ...made, id };
}

const execute = (id: string) => executeRollback(id, { outcomes: rollbackOutcomes, consumerAckTimeoutMs: 500 });

describe("rollback outcome subscribers", () => {
  it("are wired to open the postmortem and record rehearsals", () => {
    expect(rollbackOutcomes.subscribers("completed")).toEqual(["postmortems: open the draft", "rehearsals: record the outcome", "readiness: record the indicators"]);
    expect(rollbackOutcomes.subscribers("failed")).toEqual(["rehearsals: record the outcome", "readiness: record the indicators"]);
  });

  it("open the postmortem draft in the transaction that completes the rollback", async () => {
    const { id } = await approvedRollback();
    let seen: { inTransaction: number; committed: number; statusOutside: string } | null = null;
    const off = rollbackOutcomes.subscribe(["completed"], "probe", async (scope, event) => {
      seen = {
        inTransaction: await scope.tx.postmortem.count({ where: { rollbackId: event.operationId } }),
        committed: await db().postmortem.count({ where: { rollbackId: event.operationId } }),
        statusOutside: (await db().rollbackOperation.findUniqueOrThrow({ where: { id: event.operationId } })).status,
      };
    });
    try {
      expect(await execute(id)).toBe("completed");
    } finally {
      off();
    }
    // Inside, the draft exists; outside, neither it nor the completion is visible until both commit.
    expect(seen).toEqual({ inTransaction: 1, committed: 0, statusOutside: "EXECUTING" });
    expect(await db().postmortem.count({ where: { rollbackId: id } })).toBe(1);
    expect((await db().rollbackOperation.findUniqueOrThrow({ where: { id } })).status).toBe("COMPLETED");
  });

  it("roll the completion back when one of them fails, so nothing is half-applied; a later run completes", async () => {
    const { id, deployment, versions } = await approvedRollback();
    const off = rollbackOutcomes.subscribe(["completed"], "a reaction that fails", async () => {
      throw new Error("disk full");
    });
    try {
      await expect(execute(id)).rejects.toThrow(`a reaction that fails, reacting to rollback ${id} completed, failed: disk full`);
    } finally {
      off();
    }
    expect((await db().rollbackOperation.findUniqueOrThrow({ where: { id } })).status).toBe("EXECUTING");
    expect(await db().postmortem.count({ where: { rollbackId: id } })).toBe(0);
    expect(await db().deployment.findUniqueOrThrow({ where: { id: deployment.id } })).toMatchObject({ state: "ROLLING_BACK", liveVersionId: versions[1]!.id });
    expect(await db().auditEvent.count({ where: { targetId: id, action: "rollback.completed" } })).toBe(0);

    // The worker's retry resumes it: every step already SUCCEEDED, so only the completion runs.
    expect(await execute(id)).toBe("completed");
    expect(await db().postmortem.count({ where: { rollbackId: id } })).toBe(1);
    expect(await db().deployment.findUniqueOrThrow({ where: { id: deployment.id } })).toMatchObject({ state: "STABLE", liveVersionId: versions[0]!.id });
  });
});
