import "server-only";
import type { DeploymentState as DbDeploymentState, VersionStatus as DbVersionStatus } from "@prisma/client";
import type { Tx } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { toSnapshot, type DeploymentSnapshot } from "./lifecycle";

/** A deployment's lifecycle snapshot as stored, with what is needed to write it back. */
export type StoredDeployment = {
  deploymentId: number;
  slug: string;
  modelId: number;
  snapshot: DeploymentSnapshot;
  /** Pinned version id → ModelVersion.id, for the versions on this deployment. */
  versionIds: ReadonlyMap<string, number>;
  /** Versions of this deployment's model that were purged from the registry. */
  purged: ReadonlySet<string>;
};

/**
 * Reads the deployment's lifecycle snapshot and locks its row until the transaction ends, so
 * promotions and rollbacks of one deployment are applied one at a time.
 */
export async function loadDeploymentSnapshot(tx: Tx, deploymentId: number): Promise<StoredDeployment> {
  const locked = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM "Deployment" WHERE id = ${deploymentId} FOR UPDATE`;
  if (locked.length === 0) throw notFound("deployment");
  const deployment = await tx.deployment.findUniqueOrThrow({
    where: { id: deploymentId },
    include: {
      versions: { include: { version: { select: { version: true, purgedAt: true } } }, orderBy: [{ since: "asc" }, { versionId: "asc" }] },
    },
  });
  const versionIds = new Map<string, number>();
  const purged = new Set<string>();
  const byId = new Map<number, string>();
  for (const row of deployment.versions) {
    versionIds.set(row.version.version, row.versionId);
    byId.set(row.versionId, row.version.version);
    if (row.version.purgedAt) purged.add(row.version.version);
  }
  const result = toSnapshot({
    state: deployment.state,
    live: deployment.liveVersionId === null ? null : (byId.get(deployment.liveVersionId) ?? null),
    prior: deployment.priorVersionId === null ? null : (byId.get(deployment.priorVersionId) ?? null),
    // The stored `since` order is the lifecycle's change order.
    versions: deployment.versions.map((row, index) => ({ version: row.version.version, status: row.status, changedSeq: index + 1 })),
  });
  if (!result.ok) throw new AppError("CONFLICT", `${deployment.slug}: ${result.error.message}`);
  return { deploymentId, slug: deployment.slug, modelId: deployment.modelId, snapshot: result.value, versionIds, purged };
}

/**
 * Writes a new snapshot: each version whose status changed gets a fresh `since` (in the
 * lifecycle's change order), and the deployment's live/prior pointers and state follow.
 */
export async function saveDeploymentSnapshot(
  tx: Tx,
  stored: StoredDeployment,
  next: DeploymentSnapshot,
  options: { productionFailure?: { version: string; description: string }; now?: Date } = {},
): Promise<void> {
  const now = options.now ?? new Date();
  const before = new Map(stored.snapshot.versions.map((v) => [v.version, v.status]));
  const changed = next.versions.filter((v) => before.get(v.version) !== v.status).sort((a, b) => a.changedSeq - b.changedSeq);
  const ids = new Map(stored.versionIds);
  const missing = changed.filter((v) => !ids.has(v.version)).map((v) => v.version);
  if (missing.length > 0) {
    const rows = await tx.modelVersion.findMany({ where: { modelId: stored.modelId, version: { in: missing } }, select: { id: true, version: true } });
    for (const row of rows) ids.set(row.version, row.id);
  }
  const idOf = (version: string) => {
    const id = ids.get(version);
    if (id === undefined) throw notFound(`version ${version}`);
    return id;
  };
  // A version leaving LIVE is written before the one entering it: one LIVE row per deployment
  // is enforced by a unique index.
  const ordered = [...changed].sort((a, b) => Number(a.status === "LIVE") - Number(b.status === "LIVE"));
  for (const version of ordered) {
    const since = new Date(now.getTime() + changed.indexOf(version));
    const status = version.status as DbVersionStatus;
    const failure = options.productionFailure?.version === version.version ? options.productionFailure.description : undefined;
    const rolledBack = status === "ROLLED_BACK" ? { rolledBackAt: now, productionFailure: failure ?? null } : {};
    await tx.deploymentVersion.upsert({
      where: { deploymentId_versionId: { deploymentId: stored.deploymentId, versionId: idOf(version.version) } },
      create: { deploymentId: stored.deploymentId, versionId: idOf(version.version), status, since, ...rolledBack },
      update: { status, since, ...rolledBack },
    });
  }
  await tx.deployment.update({
    where: { id: stored.deploymentId },
    data: {
      state: next.state as DbDeploymentState,
      liveVersionId: next.live === null ? null : idOf(next.live),
      priorVersionId: next.prior === null ? null : idOf(next.prior),
    },
  });
}
