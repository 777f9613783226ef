import "server-only";
import type { RollbackStep } from "@prisma/client";
import { applyEvent } from "@/lib/deployments/lifecycle";
import { loadDeploymentSnapshot } from "@/lib/deployments/snapshot-store";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError, conflict, notFound } from "@/lib/errors";
import { runMutation, type MutationContext } from "@/lib/mutation";
import { servingAdapterFor } from "@/lib/serving/for-deployment";
import { describeServingFailure, ServingError } from "@/lib/serving/port";
import { runStep, StepFailure, type ExecutionContext, type StepDetail } from "./rollback-steps";

// Rolling forward uses the rollback's own machinery: the same steps, run as a "forward" leg whose
// target is the promoted version. The serving plane moves first; the promotion is recorded only
// once it verifiably serves the new version, so the registry never claims what serving does not show.

const FORWARD_STEPS = ["preflight", "restore_manifest", "pin_prior", "shift_traffic", "invalidate_consumers", "verify"] as const;
/** A synchronous API call should not hang on a slow consumer for the worker's full timeout. */
const MAX_ACK_WAIT_MS = 10_000;

export type AppliedPromotion = { version: string; steps: { name: string; status: string; detail: StepDetail }[]; warnings: string[] };

/**
 * Pins `version` on the deployment's serving plane with all traffic, its manifest restored and
 * consumers invalidated. Checks first that the promotion is allowed (so nothing moves for a
 * promotion the registry would refuse); a serving failure is a 503 naming the step, and nothing
 * is recorded. Call it before recording the promotion with `applied: true`.
 */
export async function applyPromotionOnServing(ctx: MutationContext, deploymentSlug: string, input: { version: string; override?: boolean }): Promise<AppliedPromotion> {
  const deployment = await db().deployment.findUnique({
    where: { slug: deploymentSlug },
    include: { consumers: { select: { name: true, blocking: true } }, policies: { orderBy: { createdAt: "asc" }, take: 1, select: { blockOnUnacknowledged: true } } },
  });
  if (!deployment) throw notFound(`deployment ${deploymentSlug}`);
  // The role check and the lifecycle check, read-only: the promotion itself is recorded afterwards.
  const { target, current } = await runMutation(ctx, "OPERATOR", async ({ tx }) => {
    const stored = await loadDeploymentSnapshot(tx, deployment.id);
    const promoted = applyEvent(stored.snapshot, { type: "promote", version: input.version, override: input.override === true });
    if (!promoted.ok) throw conflict(`${deploymentSlug}: ${promoted.error.message}`, { reason: promoted.error.code });
    const versions = await tx.modelVersion.findMany({
      where: { modelId: deployment.modelId, version: { in: [input.version, ...(stored.snapshot.live ? [stored.snapshot.live] : [])] } },
      select: { id: true, version: true, manifest: true, purgedAt: true },
    });
    const found = versions.find((v) => v.version === input.version);
    if (!found) throw notFound(`version ${input.version} of this deployment's model`);
    return { target: found, current: versions.find((v) => v.version === stored.snapshot.live) ?? found };
  });

  const serving = servingAdapterFor(deployment);
  try {
    await serving.getStatus(deploymentSlug);
  } catch (error) {
    if (!(error instanceof ServingError && error.kind === "not_found")) throw unavailable("preflight", describeServingFailure(error));
    // A deployment's first version: the serving plane creates the deployment on its first pin.
    await serving.pinVersion(deploymentSlug, { version: input.version, expectedRevision: 0 }).catch((pinError: unknown) => {
      throw unavailable("pin_prior", describeServingFailure(pinError));
    });
  }
  const exec: ExecutionContext = {
    operationId: `promotion:${deploymentSlug}:${input.version}`,
    kind: "INCIDENT",
    deploymentId: deployment.id,
    slug: deploymentSlug,
    from: target,
    to: current,
    approvedById: null,
    approvedLabel: ctx.actor.label,
    blockOnUnacknowledged: deployment.policies[0]?.blockOnUnacknowledged ?? false,
    blockingConsumers: new Set(deployment.consumers.filter((c) => c.blocking).map((c) => c.name)),
    consumerAckTimeoutMs: Math.min(env().ROLLBACK_CONSUMER_ACK_TIMEOUT_MS, MAX_ACK_WAIT_MS),
    serving,
    probe: serving,
    signal: new AbortController().signal,
  };
  const steps: AppliedPromotion["steps"] = [];
  for (const [position, name] of FORWARD_STEPS.entries()) {
    const step: RollbackStep = {
      id: `${exec.operationId}:${position}`,
      operationId: exec.operationId,
      position,
      name,
      params: { leg: "forward", ...(name === "shift_traffic" ? { percent: 100, dwellSeconds: 0 } : {}) },
      status: "RUNNING",
      attempts: 1,
      startedAt: new Date(),
      finishedAt: null,
      detail: null,
      error: null,
    };
    try {
      const result = await runStep({ ctx: exec, step, saveDetail: async () => {} });
      steps.push({ name, status: result.status, detail: result.detail });
    } catch (error) {
      if (error instanceof StepFailure) throw unavailable(name, error.message);
      throw error;
    }
  }
  const warnings = steps.flatMap((s) => (typeof s.detail.warning === "string" ? [s.detail.warning] : []));
  await runMutation(ctx, "OPERATOR", ({ audit }) =>
    audit({ action: "deployment.promotion_applied", targetType: "Deployment", targetId: deploymentSlug, after: { version: input.version, steps, warnings } }),
  );
  return { version: input.version, steps, warnings };
}

function unavailable(step: string, message: string): AppError {
  return new AppError("UNAVAILABLE", `apply: ${step}: ${message}; the promotion was not recorded`, { step });
}
