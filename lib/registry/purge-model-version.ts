import "server-only";
import { conflict, notFound } from "@/lib/errors";
import { runMutation, type MutationContext } from "@/lib/mutation";
import type { ModelVersionView } from "./schemas";
import { loadDeploymentPointers, retentionOf, toModelVersionView, versionViewInclude } from "./version-views";

/**
 * Purges a version from the registry (its record stays; it is marked unusable). A version some
 * deployment serves, or would roll back to, is refused: purging it would leave a rollback with
 * nothing to restore. Purging an already purged version answers the record unchanged.
 */
export async function purgeModelVersion(ctx: MutationContext, modelSlug: string, version: string): Promise<ModelVersionView> {
  return runMutation(ctx, "ADMIN", async ({ tx, audit }) => {
    const model = await tx.model.findUnique({ where: { slug: modelSlug } });
    if (!model) throw notFound(`model ${modelSlug}`);
    // Same lock a promotion or rollback takes, so no deployment can start pointing at the
    // version between this check and the purge.
    await tx.$queryRaw`SELECT id FROM "Deployment" WHERE "modelId" = ${model.id} ORDER BY id FOR UPDATE`;
    const row = await tx.modelVersion.findUnique({
      where: { modelId_version: { modelId: model.id, version } },
      include: versionViewInclude,
    });
    if (!row) throw notFound(`version ${version} of model ${modelSlug}`);
    const deployments = await loadDeploymentPointers(tx, model.id);
    if (row.purgedAt) return toModelVersionView(modelSlug, row, deployments);

    const { protectedBy } = retentionOf(row, deployments);
    if (protectedBy.length > 0) {
      const uses = protectedBy.map((p) => (p.as === "prior" ? `the prior pinned version (rollback target) of ${p.deployment}` : `live on ${p.deployment}`));
      throw conflict(`${modelSlug}:${version} cannot be purged: it is ${uses.join(" and ")}`, { protectedBy });
    }
    const purged = await tx.modelVersion.update({ where: { id: row.id }, data: { purgedAt: new Date() }, include: versionViewInclude });
    await audit({
      action: "model_version.purge",
      targetType: "ModelVersion",
      targetId: `${modelSlug}:${version}`,
      before: { purgedAt: null },
      after: { purgedAt: purged.purgedAt },
    });
    return toModelVersionView(modelSlug, purged, deployments);
  });
}
