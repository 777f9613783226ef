import "server-only";
import type { DeploymentContext } from "./deployment-context";
import { evaluateWindow, type BreachVerdict } from "./evaluator";
import type { FloorSource } from "./floor";
import type { RollbackPolicy } from "./policy";
import { resolveFloor } from "./resolve-floor";
import { MetricSourceError, type MetricSource } from "./sources/source";

/** How far before the window the regression start may be walked back. */
const MAX_WALK_BACK_MS = 6 * 3_600_000;

/** What the window statistics are recorded as (lastStats, a detection's windowStats). */
export type JudgementStats = Record<string, unknown>;

/** What one evaluation of a policy finds at `now`, before anything is recorded. */
export type Judgement =
  | { verdict: "no_data"; stats: JudgementStats }
  | { verdict: "error"; stats: JudgementStats; error: MetricSourceError; floor?: { value: number; source: FloorSource } }
  | { verdict: "healthy" | "no_data"; stats: JudgementStats; floor: { value: number; source: FloorSource } }
  | { verdict: "breach"; stats: JudgementStats; floor: { value: number; source: FloorSource }; breach: BreachVerdict };

const sourceFailure = (version: string, error: MetricSourceError, floor?: { value: number; source: FloorSource }): Judgement => ({
  verdict: "error",
  stats: { version, code: error.kind, reason: `${error.kind} error: ${error.message}` },
  error,
  ...(floor ? { floor } : {}),
});

/**
 * The sustained-window verdict of `policy` on the deployment's live version at `now`: the floor
 * (explicit, or established from the prior version through the source), then the window read
 * from the source. A source that cannot answer, for the floor or the window, is an `error` —
 * never a breach or a pass. Reads only; `evaluatePolicy` records, "Test query" shows.
 */
export async function judgePolicy(policy: RollbackPolicy, source: MetricSource, context: DeploymentContext, now: number): Promise<Judgement> {
  const live = context.live;
  if (!live) return { verdict: "no_data", stats: { reason: "the deployment has no live version" } };
  const floor = await resolveFloor(policy.floor, policy.direction, policy.metric, context, source);
  if (floor.kind === "unavailable") {
    if (floor.sourceError) return sourceFailure(live.version, floor.sourceError);
    return { verdict: "no_data", stats: { version: live.version, reason: `no floor: ${floor.reason}` } };
  }

  const windowMs = policy.windowSeconds * 1000;
  const from = Math.max(live.since.getTime(), now - windowMs - Math.max(windowMs, MAX_WALK_BACK_MS));
  let samples;
  try {
    samples = await source.window(
      { deploymentId: context.id, deployment: context.slug, metric: policy.metric, versionId: live.id, version: live.version },
      { from, to: now, stepSeconds: policy.sampleIntervalSeconds },
    );
  } catch (error) {
    if (!(error instanceof MetricSourceError)) throw error;
    return sourceFailure(live.version, error, { value: floor.value, source: floor.source });
  }
  const verdict = evaluateWindow({
    samples,
    now,
    windowSeconds: policy.windowSeconds,
    minSamples: policy.minSamples,
    floor: floor.value,
    direction: policy.direction,
    expectedSampleIntervalSeconds: policy.sampleIntervalSeconds,
  });
  const stats = {
    version: live.version,
    windowStart: new Date(verdict.windowStart).toISOString(),
    windowEnd: new Date(verdict.windowEnd).toISOString(),
    ...verdict.stats,
    firstTs: verdict.stats.firstTs === null ? null : new Date(verdict.stats.firstTs).toISOString(),
    lastTs: verdict.stats.lastTs === null ? null : new Date(verdict.stats.lastTs).toISOString(),
    floor: floor.value,
    floorSource: floor.source.description,
    ...(verdict.verdict === "no_data" ? { code: verdict.code, reason: verdict.reason } : {}),
  };
  const established = { value: floor.value, source: floor.source };
  if (verdict.verdict === "breach") return { verdict: "breach", stats, floor: established, breach: verdict };
  return { verdict: verdict.verdict, stats, floor: established };
}
