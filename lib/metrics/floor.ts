import { formatNumber } from "@/lib/format-number";
import type { Direction, PriorFloorRule } from "./policy";
import type { MetricSample } from "./types";

export interface PriorFloorSource {
  mode: "prior";
  version: string;
  /** e.g. `v13: 7-day p10 of 1-hour means, less 0.005 = 0.905` */
  description: string;
  bucketCount: number;
  /** The bucket-mean quantile before the tolerance was applied. */
  quantileValue: number;
  /** The lookback the buckets were drawn from, [from, to) in epoch ms. */
  from: number;
  to: number;
}

export interface ExplicitFloorSource {
  mode: "explicit";
  description: string;
}

export type FloorSource = PriorFloorSource | ExplicitFloorSource;

export interface EstablishedFloor<S extends FloorSource = FloorSource> {
  kind: "established";
  value: number;
  source: S;
}

export interface InsufficientHistory {
  kind: "insufficient_history";
  version: string;
  bucketCount: number;
  requiredBuckets: number;
  message: string;
}

export type PriorFloorOutcome = EstablishedFloor<PriorFloorSource> | InsufficientHistory;

export type PriorFloorParams = Pick<
  PriorFloorRule,
  "quantile" | "bucketSeconds" | "lookbackDays" | "tolerance"
>;

export interface EstablishPriorFloorInput {
  /** The prior version's own live points; other versions' points must not be passed. */
  samples: readonly MetricSample[];
  rule: PriorFloorParams;
  direction: Direction;
  /** End of the lookback (exclusive), normally the moment the new version was promoted. */
  now: number;
  priorVersion: string;
  /** Fewest buckets with data that make a quantile meaningful; see {@link defaultMinBuckets}. */
  minBuckets?: number;
}

const DAY_MS = 86_400_000;

/**
 * The prior floor: the level the prior version itself held in production.
 *
 * Take the prior version's points in the `lookbackDays` before `now`, group them into
 * `bucketSeconds` buckets counted back from `now`, and average each bucket weighted by each
 * point's sample count. The floor is the `quantile` of those bucket means (linear interpolation
 * between the closest ranks) less `tolerance`. For a lower-is-better metric the mirror image
 * applies: the (1 − quantile) quantile plus `tolerance`. So "p10 of 1-hour means, less 0.005"
 * reads: the new version breaches when it does worse than the prior version did in its worst
 * tenth of hours, by more than 0.005.
 *
 * Points with no observations (sampleCount ≤ 0) or non-finite values carry no information and
 * are ignored. Fewer than `minBuckets` buckets with data is reported as insufficient history,
 * never as a floor.
 */
export function establishPriorFloor(input: EstablishPriorFloorInput): PriorFloorOutcome {
  const { samples, rule, direction, now, priorVersion } = input;
  if (!(rule.quantile > 0 && rule.quantile < 1)) {
    throw new RangeError(`quantile must be between 0 and 1 (exclusive), got ${rule.quantile}`);
  }
  if (!(rule.bucketSeconds > 0) || !(rule.lookbackDays > 0) || !(rule.tolerance >= 0)) {
    throw new RangeError("bucketSeconds and lookbackDays must be positive, tolerance non-negative");
  }

  const from = now - rule.lookbackDays * DAY_MS;
  const buckets = bucketMeans(samples, { until: now, lookbackMs: rule.lookbackDays * DAY_MS, bucketMs: rule.bucketSeconds * 1000 });

  const requiredBuckets = input.minBuckets ?? defaultMinBuckets(rule);
  if (buckets.length < requiredBuckets) {
    return {
      kind: "insufficient_history",
      version: priorVersion,
      bucketCount: buckets.length,
      requiredBuckets,
      message: `${priorVersion}: only ${buckets.length} ${humaniseSeconds(rule.bucketSeconds)} buckets with data in the ${rule.lookbackDays}-day lookback; at least ${requiredBuckets} needed to establish a prior floor`,
    };
  }

  const means = buckets.map((b) => b.value).sort((a, b) => a - b);
  const effectiveQuantile = direction === "higher_is_better" ? rule.quantile : 1 - rule.quantile;
  const quantileValue = quantileLinear(means, effectiveQuantile);
  const value =
    direction === "higher_is_better"
      ? quantileValue - rule.tolerance
      : quantileValue + rule.tolerance;

  const toleranceText =
    rule.tolerance === 0
      ? ""
      : `, ${direction === "higher_is_better" ? "less" : "plus"} ${formatNumber(rule.tolerance)}`;
  const description = `${priorVersion}: ${rule.lookbackDays}-day p${formatPercent(effectiveQuantile)} of ${humaniseSeconds(rule.bucketSeconds)} means${toleranceText} = ${formatNumber(value)}`;

  return {
    kind: "established",
    value,
    source: {
      mode: "prior",
      version: priorVersion,
      description,
      bucketCount: buckets.length,
      quantileValue,
      from,
      to: now,
    },
  };
}

/**
 * The samples in [until − lookbackMs, until) grouped into `bucketMs` buckets counted back from
 * `until` (so the most recent bucket is a whole one): one sample per bucket with data, at the
 * bucket's last instant, holding its mean weighted by sample counts and their sum. Samples with
 * no observations or a non-finite value carry no information and are left out.
 */
export function bucketMeans(samples: readonly MetricSample[], { until, lookbackMs, bucketMs }: { until: number; lookbackMs: number; bucketMs: number }): MetricSample[] {
  const from = until - lookbackMs;
  const buckets = new Map<number, { weightedSum: number; weight: number }>();
  for (const s of samples) {
    if (s.ts < from || s.ts >= until) continue;
    if (!Number.isFinite(s.value) || !(s.sampleCount > 0)) continue;
    const key = Math.floor((until - 1 - s.ts) / bucketMs);
    const bucket = buckets.get(key);
    if (bucket) {
      bucket.weightedSum += s.value * s.sampleCount;
      bucket.weight += s.sampleCount;
    } else {
      buckets.set(key, { weightedSum: s.value * s.sampleCount, weight: s.sampleCount });
    }
  }
  return [...buckets].map(([key, b]) => ({ ts: until - 1 - key * bucketMs, value: b.weightedSum / b.weight, sampleCount: b.weight }));
}

export function explicitFloor(value: number): EstablishedFloor<ExplicitFloorSource> {
  if (!Number.isFinite(value)) throw new RangeError(`floor value must be finite, got ${value}`);
  return {
    kind: "established",
    value,
    source: { mode: "explicit", description: `explicit floor ${formatNumber(value)}` },
  };
}

/**
 * A quarter of the buckets the lookback can hold, and never fewer than two: one bucket has no
 * spread to take a quantile of, and a version live for a few hours has not "established" anything.
 */
export function defaultMinBuckets(
  rule: Pick<PriorFloorParams, "bucketSeconds" | "lookbackDays">,
): number {
  const capacity = Math.ceil((rule.lookbackDays * 86_400) / rule.bucketSeconds);
  return Math.max(2, Math.ceil(capacity / 4));
}

/** Linear interpolation between closest ranks (R type 7 / numpy "linear"); `sorted` ascending, non-empty. */
export function quantileLinear(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError("quantile of an empty list");
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (h - lo);
}

/** 60 → "1-minute", 900 → "15-minute", 3600 → "1-hour", 86400 → "1-day", 90 → "90-second". */
export function humaniseSeconds(seconds: number): string {
  if (seconds > 0 && seconds % 86_400 === 0) return `${seconds / 86_400}-day`;
  if (seconds > 0 && seconds % 3_600 === 0) return `${seconds / 3_600}-hour`;
  if (seconds > 0 && seconds % 60 === 0) return `${seconds / 60}-minute`;
  return `${seconds}-second`;
}

function formatPercent(q: number): string {
  // toPrecision strips float noise such as (1 - 0.1) * 100 = 90.00000000000001.
  return String(Number((q * 100).toPrecision(6)));
}
