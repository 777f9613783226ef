import { z } from "zod";
import type { MetricSample } from "../../types";
import { defineMetricSource, type MetricSource, type PriorHistory, type SeriesRef } from "../source";
import { bucketMeans, downsampledPoints, lastPointBefore, readPoints } from "./store";

// `push`: the points collectors send to POST /api/v1/metrics, stored by Reversegate itself.

// The prior's history before the live version went live does not change, so once found it is
// reused across evaluation ticks and chart requests for a minute; the key holds what it depends on.
const historyCache = new Map<string, { at: number; history: PriorHistory }>();
const CACHE_MS = 60_000;
const MAX_CACHED = 1000;

const stored = (series: SeriesRef) => ({ deploymentId: series.deploymentId, metric: series.metric, versionId: series.versionId });

/** Every version's chart in one statement (the series all share a deployment and metric). */
async function chartOfVersions(series: readonly SeriesRef[], { from, to, maxPoints }: { from: number; to: number; maxPoints: number }): Promise<MetricSample[][]> {
  const [first] = series;
  if (!first) return [];
  const byVersion = await downsampledPoints({ deploymentId: first.deploymentId, metric: first.metric, versionIds: series.map((s) => s.versionId) }, from, to, maxPoints);
  return series.map((s) => byVersion.get(s.versionId) ?? []);
}

const pushedPoints: MetricSource = {
  window: (series, { from, to }) => readPoints(stored(series), from, to),
  async priorHistory(series, { before, lookbackDays, bucketSeconds }): Promise<PriorHistory | null> {
    const key = JSON.stringify([series.deploymentId, series.metric, series.versionId, before, lookbackDays, bucketSeconds]);
    const now = Date.now();
    const hit = historyCache.get(key);
    if (hit && now - hit.at < CACHE_MS) return hit.history;
    const until = await lastPointBefore(stored(series), before);
    if (until === null) return null;
    const history = { until, buckets: await bucketMeans(stored(series), until, lookbackDays, bucketSeconds) };
    if (historyCache.size > MAX_CACHED) historyCache.clear();
    historyCache.set(key, { at: now, history });
    return history;
  },
  chartSeries: async (series, range) => (await chartOfVersions([series], range))[0] ?? [],
  chartSeriesOfVersions: chartOfVersions,
  async inspect(series, { from, to }) {
    const points = await readPoints(stored(series), from, to);
    const latest = points[points.length - 1] ?? null;
    const labels = { deployment: series.deployment, metric: series.metric, version: series.version };
    return { query: null, series: latest ? [{ labels, points: points.length, withoutValue: 0, latest }] : [] };
  },
};

export const pushSource = defineMetricSource({
  kind: "push",
  label: "Points pushed to Reversegate",
  configSchema: z.strictObject({}),
  create: () => pushedPoints,
  describe: () => ({ target: "POST /api/v1/metrics" }),
});
