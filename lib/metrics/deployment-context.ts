import "server-only";
import { notFound } from "@/lib/errors";
import { metricsPool, utcEpochMs } from "./pg-pool";

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

type ContextRow = {
  id: number;
  slug: string;
  liveId: number | null;
  priorId: number | null;
  liveSince: number | null;
  promotedAt: number | null;
  versions: { id: number; version: string; status: string }[];
};

/**
 * The live version is watched from the moment it went live: its latest promotion, or when its
 * lifecycle row last changed (a rollback makes the prior live again without a promotion). One
 * statement: the chart and every evaluation tick start here.
 */
export async function loadDeploymentContext(where: { slug: string } | { id: number }): Promise<DeploymentContext> {
  const { rows } = await metricsPool().query<ContextRow>(
    `SELECT d.id, d.slug, d."liveVersionId" AS "liveId", d."priorVersionId" AS "priorId",
            (SELECT ${utcEpochMs("dv.since")} FROM "DeploymentVersion" dv WHERE dv."deploymentId" = d.id AND dv."versionId" = d."liveVersionId") AS "liveSince",
            (SELECT ${utcEpochMs('max(p."promotedAt")')} FROM "Promotion" p WHERE p."deploymentId" = d.id AND p."versionId" = d."liveVersionId") AS "promotedAt",
            coalesce((SELECT json_agg(json_build_object('id', dv."versionId", 'version', mv.version, 'status', dv.status) ORDER BY dv."versionId")
                        FROM "DeploymentVersion" dv JOIN "ModelVersion" mv ON mv.id = dv."versionId" WHERE dv."deploymentId" = d.id), '[]') AS versions
       FROM "Deployment" d WHERE ${"slug" in where ? "d.slug = $1" : "d.id = $1::int"}`,
    ["slug" in where ? where.slug : where.id],
  );
  const row = rows[0];
  if (!row) throw notFound(`deployment ${"slug" in where ? where.slug : where.id}`);
  const liveRow = row.versions.find((v) => v.id === row.liveId);
  const live: DeploymentContext["live"] =
    liveRow && row.liveSince !== null ? { id: liveRow.id, version: liveRow.version, since: new Date(Math.max(row.liveSince, row.promotedAt ?? -Infinity)) } : null;
  const priorRow = row.versions.find((v) => v.id === row.priorId && v.status !== "ROLLED_BACK");
  return {
    id: row.id,
    slug: row.slug,
    live,
    prior: priorRow ? { id: priorRow.id, version: priorRow.version } : null,
    versions: row.versions,
  };
}
