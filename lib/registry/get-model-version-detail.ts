import "server-only";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import type { ModelVersionView } from "./schemas";
import type { StateManifest } from "./version-ref";
import { loadDeploymentPointers, toModelVersionView, versionViewInclude } from "./version-views";

export type ModelVersionDetail = {
  version: ModelVersionView;
  /** Every version of the model, oldest first, to compare this one with. */
  siblings: { version: string; registeredAt: string; manifest: StateManifest }[];
  promotions: { deployment: string; promotedAt: string; replacedVersion: string | null; actor: string; override: boolean }[];
};

/** A version with its model's other versions and every promotion of it. */
export async function getModelVersionDetail(modelSlug: string, version: string): Promise<ModelVersionDetail> {
  const model = await db().model.findUnique({ where: { slug: modelSlug } });
  if (!model) throw notFound(`model ${modelSlug}`);
  const row = await db().modelVersion.findUnique({
    where: { modelId_version: { modelId: model.id, version } },
    include: versionViewInclude,
  });
  if (!row) throw notFound(`version ${version} of model ${modelSlug}`);
  const [deployments, siblings, promotions] = await Promise.all([
    loadDeploymentPointers(db(), model.id),
    db().modelVersion.findMany({ where: { modelId: model.id }, select: { id: true, version: true, createdAt: true, manifest: true }, orderBy: { createdAt: "asc" } }),
    db().promotion.findMany({
      where: { versionId: row.id },
      include: { deployment: { select: { slug: true } } },
      orderBy: { promotedAt: "desc" },
    }),
  ]);
  const versionById = new Map(siblings.map((s) => [s.id, s.version]));
  return {
    version: toModelVersionView(model.slug, row, deployments),
    siblings: siblings.map((s) => ({
      version: s.version,
      registeredAt: s.createdAt.toISOString(),
      manifest: s.manifest as StateManifest,
    })),
    promotions: promotions.map((p) => ({
      deployment: p.deployment.slug,
      promotedAt: p.promotedAt.toISOString(),
      replacedVersion: p.replacedVersionId === null ? null : (versionById.get(p.replacedVersionId) ?? null),
      actor: p.actor,
      override: p.override,
    })),
  };
}

