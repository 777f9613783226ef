// Rollbacks through a real HAProxy (Debian's haproxy 2.6): the executor moves real traffic by the
// Runtime API, and real requests through HAProxy's frontend show where it went.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { stopBoss } from "@/lib/jobs/boss";
import { rollbackOutcomes } from "@/lib/jobs/rollback-outcomes";
import { executeRollback } from "@/lib/rollbacks/execute-rollback";
import { getRollback } from "@/lib/rollbacks/rollback-views";
import { servingAdapterFor } from "@/lib/serving/for-deployment";
import type { ServingAdapter } from "@/lib/serving/port";
import { makeApprovedRollback } from "@/lib/testing/factories";
import { HAPROXY_BACKEND, startHaproxy, type HaproxyProcess } from "./haproxy-process";

const REQUESTS = 2_000;
let haproxy: HaproxyProcess | null = null;

afterEach(async () => {
  await haproxy?.stop();
  haproxy = null;
});

afterAll(async () => {
  await stopBoss();
});

/** v14 live on HAProxy (weight 100, v13 at 0 in haproxy.cfg), v13 the prior, a rollback approved but not run. */
async function approvedRollback(options: { mode: "instant" | "ramp"; socket: (proc: HaproxyProcess) => string; rampStages?: number[]; dwellSeconds?: number }) {
  haproxy = await startHaproxy({ v13: 0, v14: 100 });
  const serving = { kind: "haproxy", socket: options.socket(haproxy), backend: HAPROXY_BACKEND };
  return { ...(await makeApprovedRollback(serving, { mode: options.mode, rampStages: options.rampStages, rampDwellSeconds: options.dwellSeconds })), haproxy };
}

const share = (counts: Record<string, number>, version: string) => (counts[version] ?? 0) / REQUESTS;

/** Waits until the shift step at `percent` has applied its weights and is dwelling (RUNNING). */
async function dwelling(operationId: string, percent: number) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const steps = await db().rollbackStep.findMany({ where: { operationId, name: "shift_traffic" } });
    const step = steps.find((s) => (s.params as { percent?: number }).percent === percent);
    if (step?.status === "RUNNING" && (step.detail as { applied?: boolean } | null)?.applied === true) return step;
    if (step && ["FAILED", "SUCCEEDED", "SKIPPED"].includes(step.status)) throw new Error(`the ${percent}% stage ended (${step.status}) before it was measured`);
    if (Date.now() > deadline) throw new Error(`the ${percent}% stage did not start dwelling`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("rolling back through a real HAProxy", () => {
  it("ramps real traffic back: about 10% reaches the prior at the 10% stage, 50% at 50%, all of it after", async () => {
    const scene = await approvedRollback({ mode: "ramp", socket: (p) => p.tcpSocket, rampStages: [10, 50, 100], dwellSeconds: 8 });
    const before = await scene.haproxy.split(REQUESTS);
    expect(before).toEqual({ v14: REQUESTS });

    const run = executeRollback(scene.id, { outcomes: rollbackOutcomes });
    const measured: Record<number, Record<string, number>> = {};
    for (const percent of [10, 50]) {
      const step = await dwelling(scene.id, percent);
      measured[percent] = await scene.haproxy.split(REQUESTS);
      // The measurement finished inside the stage's dwell, so it saw only this stage's weights.
      expect((await db().rollbackStep.findUniqueOrThrow({ where: { id: step.id } })).status).toBe("RUNNING");
    }
    expect(await run).toBe("completed");
    const after = await scene.haproxy.split(REQUESTS);
    console.info(
      `HAProxy split of ${REQUESTS} requests (prior v13 share): before ${share(before, "v13")}, ` +
        `10% stage ${share(measured[10]!, "v13")}, 50% stage ${share(measured[50]!, "v13")}, after ${share(after, "v13")}`,
    );

    expect(share(measured[10]!, "v13")).toBeGreaterThanOrEqual(0.07);
    expect(share(measured[10]!, "v13")).toBeLessThanOrEqual(0.13);
    expect(share(measured[50]!, "v13")).toBeGreaterThanOrEqual(0.47);
    expect(share(measured[50]!, "v13")).toBeLessThanOrEqual(0.53);
    expect(after).toEqual({ v13: REQUESTS });

    const view = await getRollback(scene.id);
    expect(view.steps.map((s) => [s.name, s.percent, s.status])).toEqual([
      ["preflight", null, "SUCCEEDED"],
      ["restore_manifest", null, "SKIPPED"],
      ["pin_prior", null, "SUCCEEDED"],
      ["shift_traffic", 10, "SUCCEEDED"],
      ["shift_traffic", 50, "SUCCEEDED"],
      ["shift_traffic", 100, "SUCCEEDED"],
      ["invalidate_consumers", null, "SKIPPED"],
      ["verify", null, "SUCCEEDED"],
    ]);
    expect(view.steps[1]!.detail).toMatchObject({ reason: "the serving backend cannot restore a version's state manifest" });
    expect(view.steps[2]!.detail).toMatchObject({ previous: "v14", pinned: "v14", note: "the backend reports v14 pinned until traffic moves to v13" });
    expect(view.steps[6]!.detail).toMatchObject({ reason: "the serving backend cannot tell consumers to drop cached state" });
    expect(view.steps[7]!.detail).toMatchObject({ pinnedVersion: "v13", traffic: [{ version: "v13", percent: 100 }] });
    const deployment = await db().deployment.findUniqueOrThrow({ where: { id: scene.deployment.id } });
    expect(deployment).toMatchObject({ state: "STABLE", liveVersionId: scene.versions[1]!.id, traffic: [{ version: "v13", percent: 100 }] });
  });

  it("flips instantly over the unix stats socket", async () => {
    const scene = await approvedRollback({ mode: "instant", socket: (p) => p.unixSocket });
    expect(await executeRollback(scene.id, { outcomes: rollbackOutcomes })).toBe("completed");
    expect(await scene.haproxy.split(REQUESTS)).toEqual({ v13: REQUESTS });
    const view = await getRollback(scene.id);
    expect(view.steps.filter((s) => s.name === "shift_traffic").map((s) => [s.percent, s.status])).toEqual([[100, "SUCCEEDED"]]);
  });

  it("fails at verify when HAProxy reloads after traffic moved, because the reload put haproxy.cfg's weights back", async () => {
    const scene = await approvedRollback({ mode: "instant", socket: (p) => p.tcpSocket });
    const real = servingAdapterFor(scene.deployment);
    // Someone reloads HAProxy right after the traffic step, before verify reads the weights back.
    const reloadedAfterTraffic: ServingAdapter = {
      ...real,
      setTraffic: async (deployment, input) => {
        const status = await real.setTraffic(deployment, input);
        await scene.haproxy.reload();
        return status;
      },
    };
    expect(await executeRollback(scene.id, { outcomes: rollbackOutcomes, serving: reloadedAfterTraffic })).toBe("failed");

    const op = await db().rollbackOperation.findUniqueOrThrow({ where: { id: scene.id } });
    expect(op.failureReason).toBe("verify: the serving plane reports v14 pinned with v14 100%; expected v13 pinned with v13 100%");
    const view = await getRollback(scene.id);
    expect(view.steps.find((s) => s.name === "shift_traffic")).toMatchObject({ status: "SUCCEEDED" });
    expect(await scene.haproxy.split(REQUESTS)).toEqual({ v14: REQUESTS });
    // The database kept v14 live: it never claims what HAProxy does not show.
    expect((await db().deployment.findUniqueOrThrow({ where: { id: scene.deployment.id } })).liveVersionId).toBe(scene.versions[2]!.id);
  });

  it("fails the first step with a cause naming the socket when the stats socket is unreachable", async () => {
    const scene = await approvedRollback({ mode: "instant", socket: (p) => `${p.unixSocket}.missing` });
    expect(await executeRollback(scene.id, { outcomes: rollbackOutcomes })).toBe("failed");
    const op = await db().rollbackOperation.findUniqueOrThrow({ where: { id: scene.id } });
    expect(op.failureReason).toBe(
      `preflight: serving API unreachable after 4 attempts (HAProxy stats socket ${scene.haproxy.unixSocket}.missing: connect ENOENT ${scene.haproxy.unixSocket}.missing)`,
    );
    expect(await scene.haproxy.split(REQUESTS)).toEqual({ v14: REQUESTS });
  });
});
