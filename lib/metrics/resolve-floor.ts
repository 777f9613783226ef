import "server-only";
import type { DeploymentContext } from "./deployment-context";
import { establishPriorFloor, explicitFloor, type FloorSource } from "./floor";
import type { Direction, FloorRule } from "./policy";
import { MetricSourceError, type MetricSource } from "./sources/source";

export type ResolvedFloor =
  | { kind: "established"; value: number; source: FloorSource }
  | {
      kind: "unavailable";
      reason: string;
      /** Set when the metric source could not answer: a failed read, not a lack of history. */
      sourceError?: MetricSourceError;
    };

/**
 * The floor a policy holds the live version to: its explicit value, or the prior version's
 * established level (`establishPriorFloor`) over its own last live days, as the policy's metric
 * source reports them: the lookback ends at the prior's last sample before the live version went
 * live. For a freshly promoted version that is the promotion; for one a rollback restored, it is
 * when its prior last served. A source that cannot answer leaves the floor unavailable, with why.
 */
export async function resolveFloor(rule: FloorRule, direction: Direction, metric: string, context: DeploymentContext, source: MetricSource): Promise<ResolvedFloor> {
  if (rule.mode === "explicit") return explicitFloor(rule.value);
  const { live, prior } = context;
  if (!live) return { kind: "unavailable", reason: "no live version to hold to a prior floor" };
  if (!prior) return { kind: "unavailable", reason: `no prior version to establish a floor from (${live.version} has no restorable predecessor)` };
  let history;
  try {
    history = await source.priorHistory(
      { deploymentId: context.id, deployment: context.slug, metric, versionId: prior.id, version: prior.version },
      { before: live.since.getTime(), lookbackDays: rule.lookbackDays, bucketSeconds: rule.bucketSeconds },
    );
  } catch (error) {
    if (error instanceof MetricSourceError) return { kind: "unavailable", reason: `the metric source could not say (${error.kind} error: ${error.message})`, sourceError: error };
    throw error;
  }
  if (history === null) return { kind: "unavailable", reason: `${prior.version} has no ${metric} history to establish a floor from` };
  const outcome = establishPriorFloor({ samples: history.buckets, rule, direction, now: history.until, priorVersion: prior.version });
  return outcome.kind === "established" ? { kind: "established", value: outcome.value, source: outcome.source } : { kind: "unavailable", reason: outcome.message };
}
