// Rollbacks of a KServe InferenceService through the executor, against our fake Kubernetes API
// (fake-kubernetes-api.ts): no Kubernetes runs here.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { stopBoss } from "@/lib/jobs/boss";
import { rollbackOutcomes } from "@/lib/jobs/rollback-outcomes";
import { executeRollback } from "@/lib/rollbacks/execute-rollback";
import { getRollback } from "@/lib/rollbacks/rollback-views";
import { makeApprovedRollback } from "@/lib/testing/factories";
import { kubeconfigFor, startFakeKubernetesApi, type FakeKubernetesApi } from "./fake-kubernetes-api";

const TOKEN = "reversegate-sa-token";
let dir: string;
let fake: FakeKubernetesApi | null = null;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rg-kserve-it-"));
});
afterEach(async () => {
  await fake?.stop();
  fake = null;
});
afterAll(async () => {
  await stopBoss();
  await rm(dir, { recursive: true, force: true });
});

/** v14 rolled out on the InferenceService (v13 the revision before), the same in the registry; a rollback approved. */
async function approvedRollback(mode: "instant" | "ramp") {
  fake = await startFakeKubernetesApi({ token: TOKEN });
  fake.addSupportRouter();
  const kubeconfig = join(dir, `kubeconfig-${Date.now().toString(36)}`);
  await writeFile(kubeconfig, kubeconfigFor(fake.url, TOKEN));
  const serving = { kind: "kserve", namespace: "models", inferenceService: "support-router", storageUris: "s3://models/support-router/{version}", kubeconfig, rolloutTimeoutSeconds: 10 };
  return { ...(await makeApprovedRollback(serving, { mode, rampStages: [10, 100], rampDwellSeconds: 1 })), fake };
}

const isvc = (api: FakeKubernetesApi) =>
  api.inferenceService("models", "support-router") as { spec: { predictor: Record<string, unknown> }; status: { components: { predictor: Record<string, unknown> } } };

describe("rolling back a KServe InferenceService", () => {
  it("pins the prior's storageUri, ramps canaryTrafficPercent 10 then promotes it, and verifies from the status", async () => {
    const scene = await approvedRollback("ramp");
    expect(await executeRollback(scene.id, { outcomes: rollbackOutcomes })).toBe("completed");

    const view = await getRollback(scene.id);
    expect(view.steps.map((s) => [s.name, s.percent, s.status])).toEqual([
      ["preflight", null, "SUCCEEDED"],
      ["restore_manifest", null, "SKIPPED"],
      ["pin_prior", null, "SUCCEEDED"],
      ["shift_traffic", 10, "SUCCEEDED"],
      ["shift_traffic", 100, "SUCCEEDED"],
      ["invalidate_consumers", null, "SKIPPED"],
      ["verify", null, "SUCCEEDED"],
    ]);
    // What KServe reported after each change, as the steps recorded it.
    expect(view.steps[2]!.detail).toMatchObject({ previous: "v14", pinned: "v13" });
    expect(view.steps[3]!.detail).toMatchObject({ target: "v13 10% / v14 90%", from: "v14 100%", applied: true });
    expect(view.steps[6]!.detail).toMatchObject({ pinnedVersion: "v13", traffic: [{ version: "v13", percent: 100 }] });

    const after = isvc(scene.fake);
    expect(after.spec.predictor).toMatchObject({ model: { storageUri: "s3://models/support-router/v13" } });
    expect(after.spec.predictor).not.toHaveProperty("canaryTrafficPercent");
    expect(after.status.components.predictor).toMatchObject({
      latestRolledoutRevision: "support-router-predictor-00003",
      previousRolledoutRevision: "support-router-predictor-00002",
      traffic: [{ latestRevision: true, percent: 100, revisionName: "support-router-predictor-00003" }],
    });
    const deployment = await db().deployment.findUniqueOrThrow({ where: { id: scene.deployment.id } });
    expect(deployment).toMatchObject({ state: "STABLE", liveVersionId: scene.versions[1]!.id, traffic: [{ version: "v13", percent: 100 }] });
    // Every change carried the resourceVersion it was computed from, as merge patches.
    expect(scene.fake.requests().filter((r) => r.method === "PATCH").map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it("flips instantly through conflicts with the controller's status writes", async () => {
    const scene = await approvedRollback("instant");
    scene.fake.conflictOnNextPatches(2);
    expect(await executeRollback(scene.id, { outcomes: rollbackOutcomes })).toBe("completed");
    expect(scene.fake.requests().filter((r) => r.method === "PATCH").map((r) => r.status)).toEqual([409, 409, 200, 200]);
    const view = await getRollback(scene.id);
    expect(view.steps.filter((s) => s.name === "shift_traffic").map((s) => [s.percent, s.status])).toEqual([[100, "SUCCEEDED"]]);
    expect(isvc(scene.fake).status.components.predictor).toMatchObject({ traffic: [{ latestRevision: true, percent: 100, revisionName: "support-router-predictor-00003" }] });
  });

  it("fails the pin naming KServe's condition when the prior's revision never becomes ready, leaving v14 serving", async () => {
    const scene = await approvedRollback("instant");
    scene.fake.setRevisionsFailing(true);
    await db().deployment.update({
      where: { id: scene.deployment.id },
      data: { servingConfig: { ...(scene.deployment.servingConfig as Record<string, unknown>), rolloutTimeoutSeconds: 1 } },
    });
    expect(await executeRollback(scene.id, { outcomes: rollbackOutcomes })).toBe("failed");
    const op = await db().rollbackOperation.findUniqueOrThrow({ where: { id: scene.id } });
    expect(op.failureReason).toMatch(/^pin_prior: serving API did not answer in time after 1 attempt \(InferenceService models\/support-router: KServe has not rolled out generation 3 within 1 s .*RevisionFailed/);
    // Until v13's revision is ready, "latest" still resolves to v14's: all of the traffic stays there.
    expect(isvc(scene.fake).status.components.predictor.traffic).toEqual([
      { latestRevision: true, percent: 0, revisionName: "support-router-predictor-00002" },
      { latestRevision: false, percent: 100, revisionName: "support-router-predictor-00002", tag: "prev" },
    ]);
  });
});
