import "server-only";
import type { Prisma } from "@prisma/client";
import { conflict, notFound } from "@/lib/errors";
import { runMutation, type MutationContext, type MutationScope } from "@/lib/mutation";
import { applyPromotion } from "./apply-promotion";
import { getDeployment } from "./get-deployment";
import { applyEvent } from "./lifecycle";
import { lifecycleAppError } from "./lifecycle-errors";
import type { DeploymentDetailView, PromotionView, RecordPromotionInput } from "./schemas";
import { loadDeploymentSnapshot, saveDeploymentSnapshot } from "./snapshot-store";

export type RecordedPromotion = { promotion: PromotionView; deployment: DeploymentDetailView };

/**
 * Records what the forward pipeline put live: the version goes LIVE, the one it replaces
 * becomes the prior (the rollback target), and the gate evidence and floor are kept with it.
 * Putting a version that was rolled back here live again needs `override` and is audited as such.
 */
export async function recordPromotion(ctx: MutationContext, deploymentSlug: string, input: RecordPromotionInput): Promise<RecordedPromotion> {
  const write = (scope: MutationScope) => writePromotion(scope, deploymentSlug, input);
  // Applied: the serving plane moves first, and the promotion is written only once serving shows the version.
  return input.apply === true ? applyPromotion(ctx, deploymentSlug, input, write) : runMutation(ctx, "OPERATOR", write);
}

async function writePromotion({ tx, actor, audit }: MutationScope, deploymentSlug: string, input: RecordPromotionInput): Promise<RecordedPromotion> {
  const deployment = await tx.deployment.findUnique({
    where: { slug: deploymentSlug },
    select: { id: true, modelId: true, model: { select: { slug: true } } },
  });
  if (!deployment) throw notFound(`deployment ${deploymentSlug}`);
  const stored = await loadDeploymentSnapshot(tx, deployment.id);
  const modelSlug = deployment.model.slug;
  const version = await tx.modelVersion.findUnique({
    where: { modelId_version: { modelId: deployment.modelId, version: input.version } },
  });
  if (!version) throw notFound(`version ${input.version} of model ${modelSlug}`);
  if (version.purgedAt) throw conflict(`${modelSlug}:${input.version} was purged from the registry; it cannot go live`);

  const before = stored.snapshot;
  const previousStatus = before.versions.find((v) => v.version === input.version)?.status ?? null;
  const result = applyEvent(before, { type: "promote", version: input.version, override: input.override === true });
  if (!result.ok) throw lifecycleAppError(deploymentSlug, result.error);
  const after = result.value;

  const now = new Date();
  await saveDeploymentSnapshot(tx, stored, after, { now });
  // The pipeline reports the version as serving all traffic once it is promoted.
  await tx.deployment.update({ where: { id: deployment.id }, data: { traffic: [{ version: input.version, percent: 100 }] } });
  const overrode = previousStatus === "ROLLED_BACK";
  const promotion = await tx.promotion.create({
    data: {
      deploymentId: deployment.id,
      versionId: version.id,
      replacedVersionId: before.live === null ? null : (stored.versionIds.get(before.live) ?? null),
      promotedAt: now,
      evidence: (input.evidence ?? {}) as Prisma.InputJsonObject,
      floor: input.floor ?? null,
      override: overrode,
      applied: input.apply === true,
      actor: actor.label,
    },
  });
  await audit({
    action: overrode ? "deployment.promote.override" : "deployment.promote",
    targetType: "Deployment",
    targetId: deploymentSlug,
    before: { live: before.live, prior: before.prior, [input.version]: previousStatus },
    after: { live: after.live, prior: after.prior, promotionId: promotion.id, ...(overrode ? { override: true, overrodeStatus: "ROLLED_BACK" } : {}) },
  });

  return {
    promotion: {
      id: promotion.id,
      deployment: deploymentSlug,
      version: input.version,
      replacedVersion: before.live,
      promotedAt: promotion.promotedAt.toISOString(),
      evidence: input.evidence ?? {},
      floor: promotion.floor,
      override: promotion.override,
      applied: promotion.applied,
      actor: promotion.actor,
    },
    deployment: await getDeployment(deploymentSlug, tx),
  };
}
