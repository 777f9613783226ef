import "server-only";
import type { DeploymentContext } from "./deployment-context";
import { establishPriorFloor, explicitFloor, type FloorSource } from "./floor";
import { metricsPool } from "./pg-pool";
import type { Direction, FloorRule } from "./policy";
import type { MetricSample } from "./types";

export type ResolvedFloor =
  | { kind: "established"; value: number; source: FloorSource }
  | { kind: "unavailable"; reason: string };

// The prior's history before the live version went live does not change, so its floor is
// reused across evaluation ticks; the key holds everything the number depends on.
const cache = new Map<string, { at: number; floor: ResolvedFloor }>();
const CACHE_MS = 60_000;

/**
 * The floor a policy holds the live version to: its explicit value, or the prior version's
 * established level (`establishPriorFloor`) over its own last live days: the lookback ends at
 * the prior's last point before the live version went live. For a freshly promoted version
 * that is the promotion; for one a rollback restored, it is when its prior last served.
 */
export async function resolveFloor(
  rule: FloorRule,
  direction: Direction,
  metric: string,
  context: DeploymentContext,
  now = Date.now(),
): Promise<ResolvedFloor> {
  if (rule.mode === "explicit") return explicitFloor(rule.value);
  const { live, prior } = context;
  if (!live) return { kind: "unavailable", reason: "no live version to hold to a prior floor" };
  if (!prior) return { kind: "unavailable", reason: `no prior version to establish a floor from (${live.version} has no restorable predecessor)` };
  const until = await lastPriorPointBefore(context.id, metric, prior.id, live.since.getTime());
  if (until === null) return { kind: "unavailable", reason: `${prior.version} has no ${metric} history to establish a floor from` };
  const key = JSON.stringify([context.id, metric, prior.id, until, rule, direction]);
  const hit = cache.get(key);
  if (hit && now - hit.at < CACHE_MS) return hit.floor;

  const samples = await priorBucketMeans(context.id, metric, prior.id, until, rule.lookbackDays, rule.bucketSeconds);
  const outcome = establishPriorFloor({ samples, rule, direction, now: until, priorVersion: prior.version });
  const floor: ResolvedFloor =
    outcome.kind === "established" ? { kind: "established", value: outcome.value, source: outcome.source } : { kind: "unavailable", reason: outcome.message };
  if (cache.size > 1000) cache.clear();
  cache.set(key, { at: now, floor });
  return floor;
}

/** Just after the prior's last point before `before`, or null when it has none (one index probe). */
async function lastPriorPointBefore(deploymentId: number, metric: string, versionId: number, before: number): Promise<number | null> {
  const { rows } = await metricsPool().query<{ last: Date | null }>(
    `SELECT max(ts) AS last FROM "MetricPoint"
      WHERE "deploymentId" = $1 AND metric = $2 AND "versionId" = $3 AND ts < to_timestamp($4::float8 / 1000.0)`,
    [deploymentId, metric, versionId, before],
  );
  const last = rows[0]?.last;
  return last ? last.getTime() + 1 : null;
}

/**
 * The prior's points aggregated in SQL into the same buckets `establishPriorFloor` uses (counted
 * back from `until`): one weighted-mean sample per bucket gives the identical floor while moving
 * a few hundred rows instead of 60,000.
 */
async function priorBucketMeans(
  deploymentId: number,
  metric: string,
  versionId: number,
  until: number,
  lookbackDays: number,
  bucketSeconds: number,
): Promise<MetricSample[]> {
  const bucketMs = bucketSeconds * 1000;
  const { rows } = await metricsPool().query<{ k: number; mean: number; weight: number }>(
    `SELECT floor(($4::float8 - 1 - extract(epoch FROM ts) * 1000) / $5::float8)::int AS k,
            sum(value * "sampleCount") / sum("sampleCount") AS mean,
            sum("sampleCount")::float8 AS weight
       FROM "MetricPoint"
      WHERE "deploymentId" = $1 AND metric = $2 AND "versionId" = $3
        AND ts >= to_timestamp(($4::float8 - $6::float8) / 1000.0) AND ts < to_timestamp($4::float8 / 1000.0)
        AND "sampleCount" > 0
      GROUP BY 1`,
    [deploymentId, metric, versionId, until, bucketMs, lookbackDays * 86_400_000],
  );
  return rows.map((r) => ({ ts: until - 1 - r.k * bucketMs, value: r.mean, sampleCount: r.weight }));
}
