// A rollback ready to run against a serving simulator, and ways to wait for it: shared by the
// executor's tests and the fault suites.
import { db } from "@/lib/db";
import { newRequestId } from "@/lib/mutation";
import { approveRollback } from "@/lib/rollbacks/decide-rollback";
import { requestRollback } from "@/lib/rollbacks/request-rollback";
import type { SimulatorProcess } from "@/lib/rollbacks/simulator-process";
import { makeDeployment, makeDetection, makePolicy, makeRollbackPlan, makeUser } from "./factories";

export async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
}

/** The operation once it is COMPLETED or FAILED. */
export const finishedRollback = (id: string, timeoutMs = 20_000) =>
  waitFor(
    async () => {
      const op = await db().rollbackOperation.findUniqueOrThrow({ where: { id } });
      return ["COMPLETED", "FAILED"].includes(op.status) ? op : null;
    },
    `rollback ${id} to finish`,
    timeoutMs,
  );

/** The step at `position` once it is RUNNING and, for a traffic shift, dwelling on its new split. */
export const dwelling = (operationId: string, position: number, timeoutMs?: number) =>
  waitFor(
    async () => {
      const step = await db().rollbackStep.findUniqueOrThrow({ where: { operationId_position: { operationId, position } } });
      return step.status === "RUNNING" && (step.detail as { appliedAt?: string } | null)?.appliedAt ? step : null;
    },
    `step ${position} of ${operationId} to start its dwell`,
    timeoutMs,
  );

/** Whether the simulator was asked to change something: not a read, nor the read-only preflight POST. */
export const isServingChange = (request: { method: string; path: string }) => request.method !== "GET" && !request.path.endsWith("/preflight");

/** The changes (not reads) the simulator received for one deployment, e.g. `PUT /traffic`. */
export async function servingChanges(sim: SimulatorProcess, slug: string): Promise<string[]> {
  return (await sim.requests())
    .filter((r) => isServingChange(r) && r.path.startsWith(`/v1/deployments/${slug}/`))
    .map((r) => `${r.method} ${r.path.replace(`/v1/deployments/${slug}`, "")}`);
}

export type IncidentOptions = {
  servingBaseUrl?: string;
  /** Capabilities the deployment's backend is configured without, e.g. ["trafficSplit"]. */
  lacking?: string[];
  blockOnUnacknowledged?: boolean;
  dwellSeconds?: number;
  pinOnSimulator?: boolean;
};

/**
 * A deployment with v14 live and v13 prior in the database and on the simulator, a policy, a
 * rollback plan (ramp 10 → 100 with a 1 s dwell) and a detection against v14; `request` and
 * `approve` act as an operator and an approver would.
 */
export async function makeIncident(sim: SimulatorProcess, options: IncidentOptions = {}) {
  const lacking = Object.fromEntries((options.lacking ?? []).map((capability) => [capability, false]));
  const made = await makeDeployment({ versions: ["v12", "v13", "v14"], serving: { kind: "http", baseUrl: options.servingBaseUrl ?? sim.url, capabilities: lacking } });
  const { deployment, versions } = made;
  if (options.pinOnSimulator !== false) await sim.serving.pinVersion(deployment.slug, { version: "v14" });
  const policy = await makePolicy(deployment.id, { floorValue: 0.88, evaluationIntervalSeconds: 30, action: "REQUEST" });
  await makeRollbackPlan(deployment.id, { rampStages: [10, 100], rampDwellSeconds: options.dwellSeconds ?? 1, blockOnUnacknowledged: options.blockOnUnacknowledged ?? false });
  const detection = await makeDetection(policy, versions.find((v) => v.version === "v14")!.id, {
    detectedAt: new Date(Date.now() - 60_000),
    timeToDetectMs: 420_000,
    windowStats: { mean: 0.81 },
  });
  const operator = await makeUser("OPERATOR");
  const approver = await makeUser("APPROVER");
  const request = (mode: "instant" | "ramp") =>
    requestRollback(
      { actor: operator.actor, requestId: newRequestId() },
      { deploymentSlug: deployment.slug, mode, reason: "canary accuracy 0.81 below the 0.88 floor", detectionId: detection.id, origin: "detection" },
    );
  const approve = (id: string) => approveRollback({ actor: approver.actor, requestId: newRequestId() }, id);
  return { ...made, policy, detection, operator, approver, request, approve, id: (version: string) => versions.find((v) => v.version === version)!.id };
}
