import "server-only";
import type { Prisma } from "@prisma/client";
import type { Db, Tx } from "@/lib/db";
import type { ModelVersionView, RetentionView } from "./schemas";
import type { StateManifest } from "./version-ref";

export const versionViewInclude = {
  deploymentVersions: { include: { deployment: { select: { slug: true } } }, orderBy: { since: "desc" } },
} satisfies Prisma.ModelVersionInclude;

type VersionRow = Prisma.ModelVersionGetPayload<{ include: typeof versionViewInclude }>;
type DeploymentPointers = { slug: string; liveVersionId: number | null; priorVersionId: number | null };

/** The deployments of a model, with the versions each one serves and would roll back to. */
export function loadDeploymentPointers(client: Db | Tx, modelId: number): Promise<DeploymentPointers[]> {
  return client.deployment.findMany({
    where: { modelId },
    select: { slug: true, liveVersionId: true, priorVersionId: true },
    orderBy: { slug: "asc" },
  });
}

export function retentionOf(version: { id: number; retainUntil: Date | null; purgedAt: Date | null }, deployments: DeploymentPointers[]): RetentionView {
  const protectedBy: RetentionView["protectedBy"] = [];
  for (const deployment of deployments) {
    if (deployment.liveVersionId === version.id) protectedBy.push({ deployment: deployment.slug, as: "live" });
    if (deployment.priorVersionId === version.id) protectedBy.push({ deployment: deployment.slug, as: "prior" });
  }
  return {
    purgeable: protectedBy.length === 0 && version.purgedAt === null,
    protectedBy,
    retainUntil: version.retainUntil?.toISOString() ?? null,
    purgedAt: version.purgedAt?.toISOString() ?? null,
  };
}

export function toModelVersionView(modelSlug: string, row: VersionRow, deployments: DeploymentPointers[]): ModelVersionView {
  return {
    model: modelSlug,
    version: row.version,
    artifactUri: row.artifactUri,
    artifactDigest: row.artifactDigest,
    // Validated by `stateManifest` on registration, and versions are immutable.
    manifest: row.manifest as StateManifest,
    offlineScores: row.offlineScores as Record<string, number>,
    registeredBy: row.registeredBy,
    registeredAt: row.createdAt.toISOString(),
    deployments: row.deploymentVersions.map((dv) => ({
      deployment: dv.deployment.slug,
      status: dv.status,
      since: dv.since.toISOString(),
      productionFailure: dv.productionFailure,
      rolledBackAt: dv.rolledBackAt?.toISOString() ?? null,
    })),
    retention: retentionOf(row, deployments),
  };
}
