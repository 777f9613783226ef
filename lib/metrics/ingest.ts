import "server-only";
import { env } from "@/lib/env";
import { metricsPool } from "./pg-pool";
import { checkPoint, type CheckedPoint } from "./point-check";
import { conflictingPoints, storeResolvedPoints } from "./sources/push/store";

export interface IngestResult {
  /** Points that passed every check: stored now, or already stored with the same value by an earlier try. */
  accepted: number;
  /** Accepted points that were already stored with the same value and sample count (a retried batch). */
  duplicates: number;
  /** Refused points, among them any whose key already holds a different value: a stored point is never replaced. */
  rejected: { index: number; error: string }[];
}

type Resolved = { deploymentId: number; versionId: number };

// Versions are immutable and a deployment never changes model, so a resolved pair stays true.
// Misses are not cached: a version registered a second ago must be accepted at once.
// Keyed by deployment, then version: a point costs two lookups, not a key string built for it.
const resolvedCache = new Map<string, Map<string, Resolved>>();
let cachedPairs = 0;
const knownDeployments = new Map<string, number>();
const MAX_CACHE_ENTRIES = 50_000;
const resolved = (deployment: string, version: string) => resolvedCache.get(deployment)?.get(version);

async function resolvePairs(points: readonly CheckedPoint[]): Promise<void> {
  const slugs = new Set<string>();
  const versions = new Set<string>();
  for (const p of points) {
    if (resolved(p.deployment, p.version)) continue;
    slugs.add(p.deployment);
    versions.add(p.version);
  }
  if (slugs.size === 0) return;
  if (cachedPairs > MAX_CACHE_ENTRIES) {
    resolvedCache.clear();
    cachedPairs = 0;
  }
  const { rows } = await metricsPool().query<{ deploymentId: number; slug: string; versionId: number | null; version: string | null }>(
    `SELECT d.id AS "deploymentId", d.slug, v.id AS "versionId", v.version
       FROM "Deployment" d
       LEFT JOIN "ModelVersion" v ON v."modelId" = d."modelId" AND v.version = ANY($2::text[])
      WHERE d.slug = ANY($1::text[])`,
    [[...slugs], [...versions]],
  );
  for (const row of rows) {
    knownDeployments.set(row.slug, row.deploymentId);
    if (row.versionId === null || row.version === null) continue;
    let ofDeployment = resolvedCache.get(row.slug);
    if (!ofDeployment) resolvedCache.set(row.slug, (ofDeployment = new Map()));
    if (!ofDeployment.has(row.version)) cachedPairs++;
    ofDeployment.set(row.version, { deploymentId: row.deploymentId, versionId: row.versionId });
  }
}

/**
 * Checks and stores a batch of canary points. Good points are stored even when others are
 * refused; the primary key with `ON CONFLICT DO NOTHING` makes a retried batch store nothing twice.
 * One lookup query and one `INSERT … SELECT FROM unnest(…)` per batch, whatever its size.
 */
export async function ingestPoints(raw: readonly unknown[], now = Date.now()): Promise<IngestResult> {
  const oldest = now - env().METRICS_RETENTION_DAYS * 86_400_000;
  const rejected: IngestResult["rejected"] = [];
  const checked: CheckedPoint[] = [];
  const indexes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const result = checkPoint(raw[i], now, oldest);
    if (result.ok) {
      checked.push(result.point);
      indexes.push(i);
    } else {
      rejected.push({ index: i, error: result.error });
    }
  }
  await resolvePairs(checked);

  const n = checked.length;
  /** Each stored column's index in `raw`. */
  const rawIndexes: number[] = [];
  const deploymentIds: number[] = [];
  const metrics: string[] = [];
  const versionIds: number[] = [];
  const times: number[] = [];
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = checked[i] as CheckedPoint;
    const ids = resolved(p.deployment, p.version);
    if (!ids) {
      const error = knownDeployments.has(p.deployment)
        ? `version: "${p.version}" is not a registered version of the model deployed as "${p.deployment}"`
        : `deployment: no deployment "${p.deployment}"`;
      rejected.push({ index: indexes[i] as number, error });
      continue;
    }
    rawIndexes.push(indexes[i] as number);
    deploymentIds.push(ids.deploymentId);
    metrics.push(p.metric);
    versionIds.push(ids.versionId);
    times.push(p.ts);
    values.push(p.value);
    counts.push(p.sampleCount);
  }
  const columns = { deploymentIds, metrics, versionIds, times, values, counts };
  const stored = await storeResolvedPoints(columns);
  // Only a batch with points that were not new can hold a conflict: the fresh path pays nothing.
  const conflicts = stored < deploymentIds.length ? await conflictingPoints(columns) : [];
  for (const conflict of conflicts) {
    rejected.push({
      index: rawIndexes[conflict.position] as number,
      error: `value: conflicts with the point stored for this deployment, metric, version and ts (value ${conflict.value}, sampleCount ${conflict.sampleCount}); a stored point is never replaced`,
    });
  }
  rejected.sort((a, b) => a.index - b.index);
  const accepted = deploymentIds.length - conflicts.length;
  return { accepted, duplicates: accepted - stored, rejected };
}
