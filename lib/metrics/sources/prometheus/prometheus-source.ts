import "server-only";
import { createHash } from "node:crypto";
import { bucketMeans } from "../../floor";
import type { MetricSample } from "../../types";
import { MetricSourceError, type FoundSeries, type MetricSource, type PriorHistory, type SeriesRef } from "../source";
import { queryRange, type MatrixSeries, type PrometheusConnection } from "./client";
import { expandTemplate, formatLabels } from "./promql-template";
import { chartStepMs, floorStepMs, rangeRequests, type RangeRequest } from "./range-plan";

// A policy's metric read from Prometheus: its PromQL, placeholders filled in for the version
// asked about, evaluated by query_range at the instants each reader needs. A query must give one
// series per version; several are a configuration error that names them, never one picked at
// random. NaN and ±Inf (a zero-traffic ratio) are samples without a value: left out, so the
// evaluator sees a gap, i.e. no data.

const DAY_MS = 86_400_000;
/** Requests of one read in flight at once. */
const CONCURRENT_REQUESTS = 3;
const SHOWN_LABEL_SETS = 5;

// The prior's history before the live version went live does not change, so its buckets are
// reused across evaluation ticks (and the policy panel and chart that ask for the same floor).
const historyCache = new Map<string, { at: number; history: PriorHistory | null }>();
const HISTORY_CACHE_MS = 5 * 60_000;
const MAX_CACHED = 1000;

/** Each series' samples over every request, merged by label set, in request order. */
async function readRange(connection: PrometheusConnection, query: string, requests: RangeRequest[]): Promise<MatrixSeries[]> {
  const answers: MatrixSeries[][] = new Array(requests.length);
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const index = next++;
      answers[index] = await queryRange(connection, query, requests[index] as RangeRequest);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_REQUESTS, requests.length) }, worker));
  const merged = new Map<string, MatrixSeries>();
  for (const answer of answers) {
    for (const series of answer) {
      const key = formatLabels(series.labels);
      const seen = merged.get(key);
      if (seen) seen.values.push(...series.values);
      else merged.set(key, { labels: series.labels, values: [...series.values] });
    }
  }
  return [...merged.values()];
}

const toSample = ([seconds, text]: [number, string]): MetricSample => ({ ts: Math.round(seconds * 1000), value: Number(text), sampleCount: 1 });

/** The samples with a value, oldest first. */
const withValues = (series: MatrixSeries): MetricSample[] => series.values.map(toSample).filter((s) => Number.isFinite(s.value));

/** The one series a version's query must give, or none; several are a configuration error. */
function onlySeries(found: MatrixSeries[]): MetricSample[] {
  if (found.length === 0) return [];
  if (found.length > 1) {
    const shown = found.slice(0, SHOWN_LABEL_SETS).map((s) => formatLabels(s.labels));
    const more = found.length > SHOWN_LABEL_SETS ? ` and ${found.length - SHOWN_LABEL_SETS} more` : "";
    throw new MetricSourceError(
      "configuration",
      `the query returned ${found.length} series, not one: ${shown.join(", ")}${more}; aggregate them (e.g. sum(…)) or narrow the selector so each version has one series`,
    );
  }
  return withValues(found[0] as MatrixSeries);
}

export function createPrometheusSource(connection: PrometheusConnection, template: string): MetricSource {
  const queryFor = (series: SeriesRef) => {
    try {
      return expandTemplate(template, { version: series.version, deployment: series.deployment });
    } catch (error) {
      throw new MetricSourceError("configuration", (error as Error).message);
    }
  };
  const read = (series: SeriesRef, requests: RangeRequest[]) => readRange(connection, queryFor(series), requests);
  // Who asks can change what Prometheus answers (a tenant, a user's view), so it is part of the key.
  const asking = createHash("sha256").update(JSON.stringify([connection.authorization, connection.headers, connection.tls])).digest("hex");

  return {
    async window(series, { from, to, stepSeconds }) {
      return onlySeries(await read(series, rangeRequests(from, to, stepSeconds * 1000)));
    },

    /*
     * The prior's level before `before`, read on a grid anchored just before it so buckets counted
     * back from the lookback's end hold whole steps. The lookback ends after the prior's last
     * sample with a value: normally the promotion; earlier when its series went quiet before.
     */
    async priorHistory(series, { before, lookbackDays, bucketSeconds }) {
      const query = queryFor(series);
      const key = JSON.stringify([connection.url, asking, query, before, lookbackDays, bucketSeconds]);
      const now = Date.now();
      const hit = historyCache.get(key);
      if (hit && now - hit.at < HISTORY_CACHE_MS) return hit.history;

      const lookbackMs = lookbackDays * DAY_MS;
      const stepMs = floorStepMs(bucketSeconds, lookbackMs);
      const end = before - 1;
      const requests = rangeRequests(end - lookbackMs, end, stepMs, { anchor: end });
      let samples = onlySeries(await readRange(connection, query, requests));
      const last = samples[samples.length - 1];
      let history: PriorHistory | null = null;
      if (last) {
        const until = last.ts + 1;
        const firstRead = (requests[0] as RangeRequest).start;
        if (until - lookbackMs < firstRead) {
          const older = rangeRequests(until - lookbackMs, firstRead - stepMs, stepMs, { anchor: end });
          samples = [...onlySeries(await readRange(connection, query, older)), ...samples];
        }
        history = { until, buckets: bucketMeans(samples, { until, lookbackMs, bucketMs: bucketSeconds * 1000 }) };
      }
      if (historyCache.size > MAX_CACHED) historyCache.clear();
      historyCache.set(key, { at: now, history });
      return history;
    },

    async chartSeries(series, { from, to, maxPoints }) {
      return onlySeries(await read(series, rangeRequests(from, to, chartStepMs(from, to, maxPoints))));
    },

    async inspect(series, { from, to, stepSeconds }) {
      const query = queryFor(series);
      const found = await readRange(connection, query, rangeRequests(from, to, stepSeconds * 1000));
      return {
        query,
        series: found.map((s): FoundSeries => {
          const samples = withValues(s);
          return { labels: s.labels, points: samples.length, withoutValue: s.values.length - samples.length, latest: samples[samples.length - 1] ?? null };
        }),
      };
    },
  };
}
