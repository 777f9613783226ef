import "server-only";
import type { Prisma } from "@prisma/client";
import type { Db, Tx } from "@/lib/db";
import { diffManifests, type StateManifest } from "@/lib/registry/version-ref";
import { describeServing } from "@/lib/serving/for-deployment";
import { deploymentHealth, silentCanaryOf } from "./health";
import { trafficSplit, type DeploymentDetailView, type DeploymentView } from "./schemas";

const PENDING_ROLLBACK = ["REQUESTED", "AWAITING_APPROVAL", "APPROVED", "EXECUTING"] as const;

export const deploymentViewInclude = {
  model: { select: { slug: true } },
  consumers: { orderBy: { name: "asc" }, select: { name: true, blocking: true } },
  versions: {
    orderBy: [{ since: "asc" }, { versionId: "asc" }],
    include: { version: { select: { version: true, manifest: true } } },
  },
  promotions: { orderBy: { promotedAt: "desc" }, take: 1 },
  rollbacks: { orderBy: { requestedAt: "desc" }, take: 1 },
  detections: { where: { resolvedAt: null }, orderBy: { detectedAt: "desc" }, take: 1 },
  rehearsals: { orderBy: { startedAt: "desc" }, take: 1, select: { status: true } },
  policies: { select: { metric: true, lastVerdict: true, lastVerdictSince: true, lastEvaluatedAt: true, lastStats: true } },
} satisfies Prisma.DeploymentInclude;

export type DeploymentRow = Prisma.DeploymentGetPayload<{ include: typeof deploymentViewInclude }>;

/**
 * What the list reads of each deployment: no version history, only the live version's row.
 * Prisma applies a nested `take` after fetching every related row, so the latest promotion,
 * rollback, open detection and rehearsal come from `loadLatest` instead (one indexed probe each).
 */
export const deploymentListInclude = {
  model: deploymentViewInclude.model,
  consumers: deploymentViewInclude.consumers,
  versions: { where: { status: "LIVE" }, select: { versionId: true, since: true } },
  policies: deploymentViewInclude.policies,
} satisfies Prisma.DeploymentInclude;

type Latest = {
  promotions: Pick<DeploymentRow["promotions"][number], "versionId" | "replacedVersionId" | "promotedAt" | "actor">[];
  rollbacks: Pick<DeploymentRow["rollbacks"][number], "fromVersionId" | "toVersionId" | "kind" | "status" | "requestedAt" | "completedAt">[];
  detections: Pick<DeploymentRow["detections"][number], "metric" | "versionId">[];
  rehearsals: DeploymentRow["rehearsals"];
};

/** The fields `toDeploymentView` reads: a list row with its latest events, or a full row. */
export type DeploymentViewRow = Omit<Prisma.DeploymentGetPayload<{ include: typeof deploymentListInclude }>, "versions"> & {
  versions: { versionId: number; since: Date }[];
} & Latest;

/** Each deployment's latest promotion, rollback, open detection and rehearsal, by deployment id. */
export async function loadLatest(client: Db | Tx, deploymentIds: number[]): Promise<Map<number, Latest>> {
  const latest = (table: string, columns: string, order: string, where = "TRUE") =>
    `SELECT d.id AS "deploymentId", x.* FROM unnest($1::int[]) AS d(id)
       CROSS JOIN LATERAL (SELECT ${columns} FROM "${table}" t WHERE t."deploymentId" = d.id AND ${where} ORDER BY t."${order}" DESC LIMIT 1) x`;
  type Keyed<T> = (T & { deploymentId: number })[];
  const [promotions, rollbacks, detections, rehearsals] = await Promise.all([
    client.$queryRawUnsafe<Keyed<Latest["promotions"][number]>>(latest("Promotion", `"versionId", "replacedVersionId", "promotedAt", actor`, "promotedAt"), deploymentIds),
    client.$queryRawUnsafe<Keyed<Latest["rollbacks"][number]>>(
      latest("RollbackOperation", `"fromVersionId", "toVersionId", kind::text, status::text, "requestedAt", "completedAt"`, "requestedAt"),
      deploymentIds,
    ),
    client.$queryRawUnsafe<Keyed<Latest["detections"][number]>>(latest("Detection", `metric, "versionId"`, "detectedAt", `t."resolvedAt" IS NULL`), deploymentIds),
    client.$queryRawUnsafe<Keyed<Latest["rehearsals"][number]>>(latest("Rehearsal", `status::text`, "startedAt"), deploymentIds),
  ]);
  const byId = new Map<number, Latest>(deploymentIds.map((id) => [id, { promotions: [], rollbacks: [], detections: [], rehearsals: [] }]));
  for (const { deploymentId, ...p } of promotions) byId.get(deploymentId)?.promotions.push(p);
  for (const { deploymentId, ...r } of rollbacks) byId.get(deploymentId)?.rollbacks.push(r);
  for (const { deploymentId, ...d } of detections) byId.get(deploymentId)?.detections.push(d);
  for (const { deploymentId, ...r } of rehearsals) byId.get(deploymentId)?.rehearsals.push(r);
  return byId;
}

/** Pinned ids of the given versions, to name versions stored by id. */
export async function loadVersionNamesById(client: Db | Tx, ids: number[]): Promise<Map<number, string>> {
  const rows = await client.modelVersion.findMany({ where: { id: { in: ids } }, select: { id: true, version: true } });
  return new Map(rows.map((r) => [r.id, r.version]));
}

/** Pinned ids of every version of the given models, to name versions stored by id. */
export async function loadVersionNames(client: Db | Tx, modelIds: number[]): Promise<Map<number, string>> {
  const rows = await client.modelVersion.findMany({ where: { modelId: { in: modelIds } }, select: { id: true, version: true } });
  return new Map(rows.map((r) => [r.id, r.version]));
}

/** Requested rollbacks that have not finished, newest first per deployment. */
export async function loadPendingRollbacks(client: Db | Tx, deploymentIds: number[]) {
  const rows = await client.rollbackOperation.findMany({
    where: { deploymentId: { in: deploymentIds }, status: { in: [...PENDING_ROLLBACK] } },
    orderBy: { requestedAt: "desc" },
    select: { deploymentId: true, toVersionId: true, status: true },
  });
  const byDeployment = new Map<number, (typeof rows)[number]>();
  for (const row of rows) if (!byDeployment.has(row.deploymentId)) byDeployment.set(row.deploymentId, row);
  return byDeployment;
}

export function toDeploymentView(
  row: DeploymentViewRow,
  names: Map<number, string>,
  pendingRollback: { toVersionId: number; status: string } | undefined,
): DeploymentView {
  const name = (id: number) => names.get(id) ?? `#${id}`;
  const nameOrNull = (id: number | null) => (id === null ? null : name(id));
  const liveVersion = nameOrNull(row.liveVersionId);
  const priorVersion = nameOrNull(row.priorVersionId);
  const live = row.versions.find((v) => v.versionId === row.liveVersionId);
  const promotion = row.promotions[0];
  const rollback = row.rollbacks[0];
  const detection = row.detections[0];
  const traffic = trafficSplit.safeParse(row.traffic);
  return {
    slug: row.slug,
    model: row.model.slug,
    environment: row.environment,
    state: row.state,
    liveVersion,
    priorVersion,
    liveSince: live?.since.toISOString() ?? null,
    traffic: traffic.success ? traffic.data : [],
    serving: describeServing(row),
    consumers: row.consumers,
    lastPromotion: promotion
      ? { version: name(promotion.versionId), replacedVersion: nameOrNull(promotion.replacedVersionId), at: promotion.promotedAt.toISOString(), actor: promotion.actor }
      : null,
    lastRollback: rollback
      ? {
          fromVersion: name(rollback.fromVersionId),
          toVersion: name(rollback.toVersionId),
          kind: rollback.kind,
          status: rollback.status,
          requestedAt: rollback.requestedAt.toISOString(),
          completedAt: rollback.completedAt?.toISOString() ?? null,
        }
      : null,
    health: deploymentHealth({
      state: row.state,
      liveVersion,
      priorVersion,
      openDetection: detection ? { metric: detection.metric, version: name(detection.versionId) } : null,
      pendingRollback: pendingRollback ? { toVersion: name(pendingRollback.toVersionId), status: pendingRollback.status } : null,
      lastRehearsal: row.rehearsals[0] ?? null,
      silentCanary: silentCanaryOf(row.policies, liveVersion),
    }),
    createdAt: row.createdAt.toISOString(),
  };
}

export function toDeploymentDetailView(
  row: DeploymentRow,
  names: Map<number, string>,
  pendingRollback: { toVersionId: number; status: string } | undefined,
): DeploymentDetailView {
  // Validated by `stateManifest` on registration, and versions are immutable.
  const manifestOf = (id: number | null) =>
    (row.versions.find((v) => v.versionId === id)?.version.manifest as StateManifest | undefined) ?? null;
  const live = manifestOf(row.liveVersionId);
  const prior = manifestOf(row.priorVersionId);
  const diff = live && prior ? diffManifests(live, prior) : null;
  return {
    ...toDeploymentView(row, names, pendingRollback),
    versions: row.versions.map((v) => ({
      version: v.version.version,
      status: v.status,
      since: v.since.toISOString(),
      productionFailure: v.productionFailure,
      rolledBackAt: v.rolledBackAt?.toISOString() ?? null,
    })),
    manifests: {
      live,
      prior,
      rollbackDiff: diff
        ? { changed: [...diff.changed], splitBrainCategories: [...diff.splitBrainCategories], splitBrainRisk: diff.splitBrainRisk }
        : null,
    },
  };
}
