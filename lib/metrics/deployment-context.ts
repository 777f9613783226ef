import "server-only";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";

export interface VersionRef {
  id: number;
  version: string;
}

/** What the metrics code needs to know about a deployment: which version is watched against which. */
export interface DeploymentContext {
  id: number;
  slug: string;
  live: (VersionRef & { since: Date }) | null;
  /** The version the live one is measured against; null when it was rolled back or there is none. */
  prior: VersionRef | null;
  /** Every version that ever ran on the deployment. */
  versions: (VersionRef & { status: string })[];
}

/**
 * The live version is watched from the moment it went live: its latest promotion, or when its
 * lifecycle row last changed (a rollback makes the prior live again without a promotion).
 */
export async function loadDeploymentContext(where: { slug: string } | { id: number }): Promise<DeploymentContext> {
  const row = await db().deployment.findUnique({
    where,
    select: {
      id: true,
      slug: true,
      liveVersionId: true,
      priorVersionId: true,
      versions: { select: { versionId: true, status: true, since: true, version: { select: { version: true } } } },
    },
  });
  if (!row) throw notFound(`deployment ${"slug" in where ? where.slug : where.id}`);
  const versions = row.versions.map((v) => ({ id: v.versionId, version: v.version.version, status: v.status, since: v.since }));
  const liveRow = versions.find((v) => v.id === row.liveVersionId);
  let live: DeploymentContext["live"] = null;
  if (liveRow) {
    const promotion = await db().promotion.findFirst({
      where: { deploymentId: row.id, versionId: liveRow.id },
      orderBy: { promotedAt: "desc" },
      select: { promotedAt: true },
    });
    const promotedAt = promotion?.promotedAt;
    const since = promotedAt && promotedAt > liveRow.since ? promotedAt : liveRow.since;
    live = { id: liveRow.id, version: liveRow.version, since };
  }
  const priorRow = versions.find((v) => v.id === row.priorVersionId && v.status !== "ROLLED_BACK");
  return {
    id: row.id,
    slug: row.slug,
    live,
    prior: priorRow ? { id: priorRow.id, version: priorRow.version } : null,
    versions: versions.map(({ id, version, status }) => ({ id, version, status })),
  };
}
