import { formatDuration } from "@/lib/format-duration";
import { DEFAULT_SAMPLE_INTERVAL_SECONDS, type Direction } from "./policy";
import type { MetricSample } from "./types";

export interface WindowStats {
  count: number;
  /** Sum of the points' sampleCount. */
  sampleCount: number;
  /** Sample-count-weighted mean (plain mean when no point carries a positive count); null when empty. */
  mean: number | null;
  min: number | null;
  max: number | null;
  firstTs: number | null;
  lastTs: number | null;
  breachingCount: number;
}

export type NoDataCode = "too_few_samples" | "leading_gap" | "gap" | "trailing_gap";

interface VerdictBase {
  /** The evaluated window [windowStart, windowEnd], both ends inclusive, epoch ms. */
  windowStart: number;
  windowEnd: number;
  stats: WindowStats;
}

export interface NoDataVerdict extends VerdictBase {
  verdict: "no_data";
  code: NoDataCode;
  reason: string;
}

export interface HealthyVerdict extends VerdictBase {
  verdict: "healthy";
}

export interface BreachVerdict<T extends MetricSample = MetricSample> extends VerdictBase {
  verdict: "breach";
  /** First point of the unbroken breaching run, which may start before the window. */
  regressionStartedAt: number;
  detectedAt: number;
  timeToDetectMs: number;
  /** The window's points, oldest first. */
  evidence: T[];
}

export type WindowVerdict<T extends MetricSample = MetricSample> =
  | NoDataVerdict
  | HealthyVerdict
  | BreachVerdict<T>;

export interface EvaluateWindowInput<T extends MetricSample = MetricSample> {
  /** Points of the version under watch, in any order. */
  samples: readonly T[];
  now: number;
  windowSeconds: number;
  minSamples: number;
  floor: number;
  direction: Direction;
  /** The policy's sampleIntervalSeconds; defaults to 10. */
  expectedSampleIntervalSeconds?: number;
}

/** A value equal to the floor is not a breach: the floor is the last acceptable level. */
export function isBreach(value: number, floor: number, direction: Direction): boolean {
  return direction === "higher_is_better" ? value < floor : value > floor;
}

/**
 * The widest hole the window's points may leave: twice the expected point spacing (one lost
 * point is tolerated), or 5 % of the window when that is larger (a long window should not go
 * blind over a short ingestion hiccup).
 */
export function gapToleranceMs(
  windowSeconds: number,
  expectedSampleIntervalSeconds: number = DEFAULT_SAMPLE_INTERVAL_SECONDS,
): number {
  return Math.max(2 * expectedSampleIntervalSeconds, 0.05 * windowSeconds) * 1000;
}

/**
 * How a policy's window is judged, for people reading the API contract. Kept beside the code it
 * describes; evaluator.test.ts pins each rule.
 */
export const EVALUATION_RULES = [
  "**How a policy is evaluated.** Every `evaluationIntervalSeconds` the evaluator looks at the live version's points in the window [now − `windowSeconds`, now], both ends included. It answers one of three verdicts:",
  "- `breach` when **every point in the window** is below the floor (above it for `lower_is_better`); a point equal to the floor is not a breach. The regression start walks back from the window through earlier breaching points. A breach opens a detection and, per `action`, notifies, requests a rollback or starts one.",
  "- `healthy` when any point in the window does not breach: one good point breaks the run.",
  "- `no_data` (never healthy, never a breach) when the window holds fewer than `minSamples` points, or its points do not cover it: the first point starts later than the gap tolerance after the window start, two consecutive points are further apart than the tolerance, or the last point is older than the tolerance at `now`. The gap tolerance is max(2 × sampleIntervalSeconds, 5 % of windowSeconds): one lost point is tolerated, and a long window does not go blind over a short hiccup. A metric that stopped reporting has not shown that the breach was sustained up to now.",
  "Points with a non-finite time or value are ignored; a window with no points is `no_data` whatever `minSamples` says. `minSamples` may be at most `windowSeconds / sampleIntervalSeconds`, the most the window can hold at one point per interval.",
].join("\n\n");

/**
 * The sustained-window trigger, evaluated at `now` over [now − windowSeconds, now] (both ends
 * inclusive; later points are ignored).
 *
 * - `no_data` when the window holds fewer than `minSamples` points, or its points do not cover it:
 *   the first point is more than {@link gapToleranceMs} after the window start, two consecutive
 *   points are more than that apart, or the last point is more than that before `now` (a metric
 *   that stopped reporting has not shown the breach was sustained up to now; evaluate at the
 *   ingestion watermark when ingestion lags).
 * - `healthy` when any point in the window does not breach — one good point breaks the run.
 * - `breach` when every point breaches. The regression start walks back from the window through
 *   earlier points while they keep breaching, stopping at a gap wider than the tolerance.
 *
 * Points with a non-finite ts or value are ignored.
 */
export function evaluateWindow<T extends MetricSample>(
  input: EvaluateWindowInput<T>,
): WindowVerdict<T> {
  return evaluateSorted(sortedValid(input.samples), input.now, settingsOf(input));
}

export interface FindFirstFiringInput<T extends MetricSample = MetricSample>
  extends Omit<EvaluateWindowInput<T>, "now"> {
  evaluationIntervalSeconds: number;
  /** First evaluation tick (epoch ms); defaults to the earliest point. Ticks are from + k·interval. */
  from?: number;
  /** Last possible tick, inclusive; defaults to the latest point. */
  to?: number;
}

export interface FirstFiring<T extends MetricSample = MetricSample> {
  firedAt: number;
  verdict: BreachVerdict<T>;
  ticksEvaluated: number;
}

/**
 * Replays the scheduler: evaluates the window at every evaluation tick from `from` to `to` and
 * returns the first tick whose verdict is `breach`, or null when none fires.
 */
export function findFirstFiringTime<T extends MetricSample>(
  input: FindFirstFiringInput<T>,
): FirstFiring<T> | null {
  const sorted = sortedValid(input.samples);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first || !last) return null;
  const stepMs = input.evaluationIntervalSeconds * 1000;
  if (!(stepMs > 0)) throw new RangeError("evaluationIntervalSeconds must be positive");

  const settings = settingsOf(input);
  const from = input.from ?? first.ts;
  const to = input.to ?? last.ts;
  let ticksEvaluated = 0;
  for (let tick = from; tick <= to; tick += stepMs) {
    ticksEvaluated += 1;
    const verdict = evaluateSorted(sorted, tick, settings);
    if (verdict.verdict === "breach") return { firedAt: tick, verdict, ticksEvaluated };
  }
  return null;
}

interface Settings {
  windowMs: number;
  minSamples: number;
  floor: number;
  direction: Direction;
  toleranceMs: number;
}

function settingsOf(input: Omit<EvaluateWindowInput<MetricSample>, "samples" | "now">): Settings {
  if (!(input.windowSeconds > 0)) throw new RangeError("windowSeconds must be positive");
  return {
    windowMs: input.windowSeconds * 1000,
    // A window with no points can never prove a sustained breach.
    minSamples: Math.max(1, input.minSamples),
    floor: input.floor,
    direction: input.direction,
    toleranceMs: gapToleranceMs(input.windowSeconds, input.expectedSampleIntervalSeconds),
  };
}

function sortedValid<T extends MetricSample>(samples: readonly T[]): T[] {
  const valid = samples.filter((s) => Number.isFinite(s.ts) && Number.isFinite(s.value));
  return valid.sort((a, b) => a.ts - b.ts);
}

/** Index of the first point whose ts is not `past` (binary search; `past` holds for a prefix). */
function partition<T extends MetricSample>(
  sorted: readonly T[],
  past: (ts: number) => boolean,
): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (past((sorted[mid] as T).ts)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function evaluateSorted<T extends MetricSample>(
  sorted: readonly T[],
  now: number,
  s: Settings,
): WindowVerdict<T> {
  const windowStart = now - s.windowMs;
  const lo = partition(sorted, (ts) => ts < windowStart);
  const hi = partition(sorted, (ts) => ts <= now);
  const window = sorted.slice(lo, hi);
  const stats = statsOf(window, s);
  const base = { windowStart, windowEnd: now, stats };
  const noData = (code: NoDataCode, reason: string): NoDataVerdict => ({
    verdict: "no_data",
    code,
    reason,
    ...base,
  });

  const first = window[0];
  const last = window[window.length - 1];
  if (!first || !last || window.length < s.minSamples) {
    return noData(
      "too_few_samples",
      `${window.length} points in the window; at least ${s.minSamples} needed`,
    );
  }
  const tolerance = formatDuration(s.toleranceMs);
  if (first.ts - windowStart > s.toleranceMs) {
    return noData(
      "leading_gap",
      `first point is ${formatDuration(first.ts - windowStart)} after the window start (tolerance ${tolerance})`,
    );
  }
  for (let i = 1; i < window.length; i++) {
    const gap = (window[i] as T).ts - (window[i - 1] as T).ts;
    if (gap > s.toleranceMs) {
      return noData(
        "gap",
        `${formatDuration(gap)} without points inside the window (tolerance ${tolerance})`,
      );
    }
  }
  if (now - last.ts > s.toleranceMs) {
    return noData(
      "trailing_gap",
      `last point is ${formatDuration(now - last.ts)} before the window end (tolerance ${tolerance})`,
    );
  }

  if (stats.breachingCount < window.length) return { verdict: "healthy", ...base };

  let start = lo;
  while (start > 0) {
    const previous = sorted[start - 1] as T;
    const current = sorted[start] as T;
    if (!isBreach(previous.value, s.floor, s.direction)) break;
    if (current.ts - previous.ts > s.toleranceMs) break;
    start -= 1;
  }
  const regressionStartedAt = (sorted[start] as T).ts;
  return {
    verdict: "breach",
    ...base,
    regressionStartedAt,
    detectedAt: now,
    timeToDetectMs: now - regressionStartedAt,
    evidence: window,
  };
}

function statsOf(window: readonly MetricSample[], s: Settings): WindowStats {
  let sampleCount = 0;
  let weightedSum = 0;
  let weight = 0;
  let plainSum = 0;
  let min = Infinity;
  let max = -Infinity;
  let breachingCount = 0;
  for (const p of window) {
    sampleCount += p.sampleCount;
    if (p.sampleCount > 0) {
      weightedSum += p.value * p.sampleCount;
      weight += p.sampleCount;
    }
    plainSum += p.value;
    if (p.value < min) min = p.value;
    if (p.value > max) max = p.value;
    if (isBreach(p.value, s.floor, s.direction)) breachingCount += 1;
  }
  const count = window.length;
  return {
    count,
    sampleCount,
    mean: count === 0 ? null : weight > 0 ? weightedSum / weight : plainSum / count,
    min: count === 0 ? null : min,
    max: count === 0 ? null : max,
    firstTs: window[0]?.ts ?? null,
    lastTs: window[count - 1]?.ts ?? null,
    breachingCount,
  };
}
