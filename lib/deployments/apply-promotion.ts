import "server-only";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError, conflict, notFound } from "@/lib/errors";
import { runMutation, type MutationContext } from "@/lib/mutation";
import { servingAdapterFor } from "@/lib/serving/for-deployment";
import {
  invalidateConsumers,
  pinVersion,
  readStatus,
  requireRestorable,
  restoreManifest,
  shiftResult,
  shiftTraffic,
  StepFailure,
  trafficDetail,
  verifyServes,
  type MoveContext,
  type StepDetail,
  type StepResult,
} from "@/lib/serving/moves";
import { describeServingFailure, ServingError } from "@/lib/serving/port";
import { applyEvent } from "./lifecycle";
import { readRollbackPlan } from "./rollback-plan-store";
import { loadDeploymentSnapshot } from "./snapshot-store";

// Rolling forward uses the same serving moves as a rollback (lib/serving/moves.ts), with the
// promoted version as the target. The serving plane moves first; the promotion is recorded only
// once it verifiably serves the new version, so the registry never claims what serving does not show.

/** A synchronous API call should not hang on a slow consumer for the worker's full timeout. */
const MAX_ACK_WAIT_MS = 10_000;
/** Rollback statuses that still hold the deployment's one rollback slot (see lib/rollbacks/status.ts). */
const ROLLBACK_IN_FLIGHT = ["REQUESTED", "AWAITING_APPROVAL", "APPROVED", "EXECUTING", "FAILED"] as const;

export type AppliedPromotion = { version: string; steps: { name: string; status: string; detail: StepDetail }[]; warnings: string[] };

/**
 * Pins `version` on the deployment's serving plane with all traffic, its manifest restored and
 * consumers invalidated. Checks first that the promotion is allowed (so nothing moves for a
 * promotion the registry would refuse); a serving failure is a 503 naming the step, and nothing
 * is recorded. Call it before recording the promotion with `applied: true`.
 */
export async function applyPromotionOnServing(ctx: MutationContext, deploymentSlug: string, input: { version: string; override?: boolean }): Promise<AppliedPromotion> {
  const deployment = await db().deployment.findUnique({ where: { slug: deploymentSlug } });
  if (!deployment) throw notFound(`deployment ${deploymentSlug}`);
  const plan = await readRollbackPlan(db(), deployment.id);
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
  const move: MoveContext = { serving, slug: deploymentSlug, signal: new AbortController().signal };
  const noProgress = { previous: {}, saveDetail: async () => {} };
  const forward: [string, () => Promise<StepResult>][] = [
    ["preflight", () => preflight(move, deployment.id, target, ctx.actor.label)],
    ["restore_manifest", () => restoreManifest(move, target)],
    ["pin_prior", () => pinVersion(move, target)],
    ["shift_traffic", async () => shiftResult(await shiftTraffic(move, { target: target.version, other: current.version, percent: 100 }, noProgress))],
    [
      "invalidate_consumers",
      () =>
        invalidateConsumers(
          move,
          {
            target: target.version,
            reason: `promotion:${deploymentSlug}:${input.version}: ${input.version} is live`,
            ackTimeoutMs: Math.min(env().ROLLBACK_CONSUMER_ACK_TIMEOUT_MS, MAX_ACK_WAIT_MS),
            acks: { blocksAll: plan.blockOnUnacknowledged, blockingConsumers: new Set(plan.blockingConsumers), setBy: "the rollback plan" },
          },
          noProgress,
        ),
    ],
    ["verify", () => verifyServes(move, target)],
  ];
  const steps: AppliedPromotion["steps"] = [];
  for (const [name, run] of forward) {
    try {
      const result = await run();
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

/** The serving plane answers, the version can be restored, and no rollback holds the deployment. */
async function preflight(move: MoveContext, deploymentId: number, target: { version: string; manifest: unknown; purgedAt: Date | null }, actor: string): Promise<StepResult> {
  const status = await readStatus(move);
  requireRestorable(target);
  const inFlight = await db().rollbackOperation.findFirst({ where: { deploymentId, status: { in: [...ROLLBACK_IN_FLIGHT] } }, select: { id: true, status: true } });
  if (inFlight) throw new StepFailure(`another rollback is in flight on ${move.slug} (${inFlight.id}, ${inFlight.status})`);
  return { status: "SUCCEEDED", detail: { ...trafficDetail(status), ready: status.ready, target: target.version, approver: actor } };
}

function unavailable(step: string, message: string): AppError {
  return new AppError("UNAVAILABLE", `apply: ${step}: ${message}; the promotion was not recorded`, { step });
}
