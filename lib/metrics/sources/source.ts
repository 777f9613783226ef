import type { z } from "zod";
import { createKindRegistry, defineKind, type KindDefinition, type KindRegistry, type RegisteredKind } from "@/lib/plugins/kind-registry";
import type { MetricSample } from "../types";

// The metric-source port: where a policy's canary metric is read from. `push` reads the points
// collectors POST to /api/v1/metrics; other sources (a Prometheus query) plug in beside it as
// lib/metrics/sources/<kind>/ and one registry line. The evaluator, the prior-version floor and
// the chart only ever ask a source.

/** One series a source is asked about: a policy's metric on one version of one deployment. */
export interface SeriesRef {
  deploymentId: number;
  /** The deployment's slug, e.g. for a `{{deployment}}` placeholder. */
  deployment: string;
  metric: string;
  versionId: number;
  /** The pinned version id, e.g. for a `{{version}}` placeholder. */
  version: string;
}

/** The prior version's level over its last live period, as the floor needs it. */
export interface PriorHistory {
  /** Just after the version's last sample before the asked-for moment: the lookback ends here. */
  until: number;
  /** One sample per `bucketSeconds`, counted back from `until`: the bucket's mean, weighted by its samples. */
  buckets: MetricSample[];
}

export interface MetricSource {
  /**
   * The version's samples in [from, to] (epoch ms), oldest first, for the sustained-window
   * evaluator; `stepSeconds` is the interval the policy expects samples at. A sample with no value
   * (an empty result, a NaN from a zero-traffic ratio) is left out: the evaluator reads gaps as
   * no data, never as a breach or a pass.
   */
  window(series: SeriesRef, range: { from: number; to: number; stepSeconds: number }): Promise<MetricSample[]>;
  /** The version's history before `before` over `lookbackDays`, or null when it has no sample before then. */
  priorHistory(series: SeriesRef, query: { before: number; lookbackDays: number; bucketSeconds: number }): Promise<PriorHistory | null>;
  /** At most `maxPoints` samples over [from, to] for the chart, keeping each bucket's lowest and highest. */
  chartSeries(series: SeriesRef, range: { from: number; to: number; maxPoints: number }): Promise<MetricSample[]>;
  /**
   * `chartSeries` of several versions of one deployment's metric at once, in their order, for a
   * source that reads them together cheaper than one by one (one statement for the chart).
   */
  chartSeriesOfVersions?(series: readonly SeriesRef[], range: { from: number; to: number; maxPoints: number }): Promise<MetricSample[][]>;
  /**
   * What the source finds for the version over [from, to], for "Test query": every series it
   * read (several, too, which `window` refuses), so a person can see what the query matches.
   */
  inspect(series: SeriesRef, range: { from: number; to: number; stepSeconds: number }): Promise<SeriesInspection>;
}

/** One series a source found. */
export interface FoundSeries {
  /** The series' labels, e.g. `{version: "v14"}`. */
  labels: Record<string, string>;
  /** Samples with a value. */
  points: number;
  /** Samples without one (NaN from a zero-traffic ratio, ±Inf), which the evaluator reads as gaps. */
  withoutValue: number;
  latest: MetricSample | null;
}

export interface SeriesInspection {
  /** The query the source ran, placeholders filled in; null for a source that runs none. */
  query: string | null;
  series: FoundSeries[];
}

/**
 * A source that cannot answer. `configuration`: the policy's source is set up wrong (e.g. a query
 * that returns several series) and will not fix itself. `evaluation`: this read failed (the source
 * was unreachable, timed out or refused the query) and may succeed on the next tick.
 */
export class MetricSourceError extends Error {
  constructor(
    readonly kind: "configuration" | "evaluation",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "MetricSourceError";
  }
}

export interface MetricSourceDeps {
  /** The value of the environment variable a configuration names (e.g. a bearer token), or undefined. */
  secret(envName: string): string | undefined;
}

/** Where a source reads from, for the policy panel. */
export interface MetricSourceDescription {
  target: string;
}

export type MetricSourceKind = RegisteredKind<MetricSource, MetricSourceDeps, MetricSourceDescription>;
export type MetricSourceRegistry = KindRegistry<MetricSource, MetricSourceDeps, MetricSourceDescription>;

/** A source folder's export: `export const xSource = defineMetricSource({ kind: "x", … })`. */
export function defineMetricSource<Schema extends z.ZodObject>(
  definition: KindDefinition<Schema, MetricSource, MetricSourceDeps, MetricSourceDescription>,
): MetricSourceKind {
  return defineKind(definition);
}

export function createMetricSourceRegistry(sources: readonly MetricSourceKind[]): MetricSourceRegistry {
  return createKindRegistry("metric source", sources);
}
