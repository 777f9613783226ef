import { findFirstFiringTime } from "./evaluator";
import {
  establishPriorFloor,
  type EstablishedFloor,
  type PriorFloorParams,
  type PriorFloorSource,
} from "./floor";
import { rollbackPolicySchema, type RollbackPolicy } from "./policy";
import type { MetricSample } from "./types";

/**
 * The worked example as data: support-router's canary accuracy around v14's promotion.
 *
 * - v13 serves for the 14 days before promotion at ≈0.915 (a small daily swing plus noise), which
 *   is the history the prior floor is established from (p10 of 1-hour means less 0.005 ≈ 0.905).
 * - v14 holds ≈0.92 for two days. One bad minute on its first day dips to 0.86 and recovers — the
 *   spike a panic would roll back on, and the sustained-window trigger does not.
 * - Then the six-hour slide: a creep to ≈0.909 over 5 h 20 min while the campaign builds (single
 *   points start dipping under the floor), and the collapse to ≈0.81 over the last 40 minutes.
 * - The trigger fires where the replayed evaluator fires; the rollback request is approved two
 *   minutes later, v13 takes 10 % of traffic, and carries all of it nine minutes after detection,
 *   serving at ≈0.91.
 *
 * Deterministic: the same options always give the same points (seeded PRNG).
 */

export const DEMO_DEPLOYMENT = "support-router";
export const DEMO_METRIC = "canary_accuracy";
export const DEMO_PRIOR_VERSION = "v13";
export const DEMO_NEW_VERSION = "v14";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const HISTORY_MS = 14 * DAY;
const HOLD_MS = 48 * HOUR;
const CREEP_MS = 5 * HOUR + 20 * MINUTE;
const COLLAPSE_MS = 40 * MINUTE;
const DIP_OFFSET_MS = 20 * HOUR;
const APPROVAL_MS = 2 * MINUTE;
const ROLLBACK_MS = 9 * MINUTE;
const DEFAULT_TAIL_MS = 6 * HOUR;

const DEMO_WINDOW_SECONDS = 1800;

export const demoFloorRule: PriorFloorParams = {
  quantile: 0.1,
  bucketSeconds: 3600,
  lookbackDays: 7,
  tolerance: 0.005,
};

/**
 * The demo policy for points every `intervalSeconds`: a 30-minute window evaluated every minute,
 * requiring two-thirds of the points the window can hold (120 at 10-second points, 20 at 60).
 */
export function demoPolicyFor(intervalSeconds: number): RollbackPolicy {
  return rollbackPolicySchema.parse({
    metric: DEMO_METRIC,
    direction: "higher_is_better",
    floor: { mode: "prior", ...demoFloorRule },
    windowSeconds: DEMO_WINDOW_SECONDS,
    evaluationIntervalSeconds: 60,
    minSamples: Math.max(1, Math.floor(((2 / 3) * DEMO_WINDOW_SECONDS) / intervalSeconds)),
    sampleIntervalSeconds: intervalSeconds,
    action: "request",
  });
}

export const demoPolicy: RollbackPolicy = demoPolicyFor(10);

export interface DemoPoint extends MetricSample {
  deployment: typeof DEMO_DEPLOYMENT;
  metric: typeof DEMO_METRIC;
  version: typeof DEMO_PRIOR_VERSION | typeof DEMO_NEW_VERSION;
}

export interface DemoSeriesOptions {
  /** When v14 was promoted (epoch ms). */
  promotedAt: number;
  /** Point spacing, 5..300 seconds; 10 by default (≈121k v13 points), 60 keeps a seed small. */
  intervalSeconds?: number;
  seed?: number;
  /** Last point (epoch ms); defaults to six hours after the rollback completes. */
  endAt?: number;
}

export interface DemoSeries {
  points: DemoPoint[];
  /** The policy the detection below was replayed with. */
  policy: RollbackPolicy;
  floor: EstablishedFloor<PriorFloorSource>;
  dipAt: number;
  slideStartedAt: number;
  regressionStartedAt: number;
  detectedAt: number;
  rollbackStartedAt: number;
  rollbackCompletedAt: number;
}

export function generateDemoSeries(options: DemoSeriesOptions): DemoSeries {
  const intervalSeconds = options.intervalSeconds ?? 10;
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 5 || intervalSeconds > 300) {
    throw new RangeError(`intervalSeconds must be an integer from 5 to 300, got ${intervalSeconds}`);
  }
  const { promotedAt } = options;
  const seed = options.seed ?? 14;
  const step = intervalSeconds * SECOND;
  const policy = demoPolicyFor(intervalSeconds);
  const slideStartedAt = promotedAt + HOLD_MS;
  const collapseStartedAt = slideStartedAt + CREEP_MS;
  const slideEndedAt = collapseStartedAt + COLLAPSE_MS;
  const dipAt = promotedAt + DIP_OFFSET_MS;
  const dipMs = Math.max(MINUTE, step);

  const point = (
    version: DemoPoint["version"],
    ts: number,
    value: number,
    sampleCount: number,
  ): DemoPoint => ({
    deployment: DEMO_DEPLOYMENT,
    metric: DEMO_METRIC,
    version,
    ts,
    value: Math.min(1, Math.max(0, value)),
    sampleCount,
  });
  // About two scored requests per second reach the canary metric.
  const requests = (rand: () => number) =>
    Math.max(1, Math.round(intervalSeconds * 2 * (0.8 + 0.4 * rand())));

  const historyRand = mulberry32(seed ^ 0x13);
  const gaussHistory = gaussian(historyRand);
  const history: DemoPoint[] = [];
  for (let ts = promotedAt - Math.floor(HISTORY_MS / step) * step; ts < promotedAt; ts += step) {
    // The daily swing puts v13's p10 of hourly means near 0.910, so the floor lands near 0.905.
    const daily = 0.0053 * Math.sin((2 * Math.PI * (ts - promotedAt)) / DAY);
    const value = 0.915 + daily + 0.003 * gaussHistory();
    history.push(point(DEMO_PRIOR_VERSION, ts, value, requests(historyRand)));
  }

  const established = establishPriorFloor({
    samples: history,
    rule: demoFloorRule,
    direction: "higher_is_better",
    now: promotedAt,
    priorVersion: DEMO_PRIOR_VERSION,
  });
  if (established.kind !== "established") throw new Error(established.message);

  // v14 is generated well past the slide; the part after the rollback is cut off below.
  const candidateRand = mulberry32(seed ^ 0x14);
  const gaussCandidate = gaussian(candidateRand);
  const candidate: DemoPoint[] = [];
  for (let ts = promotedAt; ts < slideEndedAt + 2 * HOUR; ts += step) {
    const value = candidateLevel(ts) + candidateNoise(ts) * gaussCandidate();
    candidate.push(point(DEMO_NEW_VERSION, ts, value, requests(candidateRand)));
  }

  const firing = findFirstFiringTime({
    samples: candidate,
    from: promotedAt,
    windowSeconds: policy.windowSeconds,
    evaluationIntervalSeconds: policy.evaluationIntervalSeconds,
    minSamples: policy.minSamples,
    expectedSampleIntervalSeconds: policy.sampleIntervalSeconds,
    floor: established.value,
    direction: policy.direction,
  });
  if (!firing) {
    throw new Error("demo series did not fire; the generator's shape no longer matches the demo policy");
  }
  const detectedAt = firing.firedAt;
  const rollbackStartedAt = detectedAt + APPROVAL_MS;
  const rollbackCompletedAt = detectedAt + ROLLBACK_MS;
  const endAt = Math.max(
    options.endAt ?? rollbackCompletedAt + DEFAULT_TAIL_MS,
    rollbackCompletedAt,
  );

  const served: DemoPoint[] = [];
  for (const p of candidate) {
    if (p.ts >= rollbackCompletedAt) break;
    // During the ramp v14 keeps 90 % of the traffic, so 90 % of the scored requests.
    served.push(
      p.ts >= rollbackStartedAt
        ? { ...p, sampleCount: Math.max(1, Math.round(p.sampleCount * 0.9)) }
        : p,
    );
  }

  const restoredRand = mulberry32(seed ^ 0x1313);
  const gaussRestored = gaussian(restoredRand);
  const firstRestored = promotedAt + Math.ceil((rollbackStartedAt - promotedAt) / step) * step;
  for (let ts = firstRestored; ts <= endAt; ts += step) {
    const full = requests(restoredRand);
    const sampleCount = ts < rollbackCompletedAt ? Math.max(1, Math.round(full * 0.1)) : full;
    served.push(point(DEMO_PRIOR_VERSION, ts, 0.91 + 0.003 * gaussRestored(), sampleCount));
  }

  const points = history
    .concat(served)
    .sort((a, b) => a.ts - b.ts || a.version.localeCompare(b.version));
  return {
    points,
    policy,
    floor: established,
    dipAt,
    slideStartedAt,
    regressionStartedAt: firing.verdict.regressionStartedAt,
    detectedAt,
    rollbackStartedAt,
    rollbackCompletedAt,
  };

  function candidateLevel(ts: number): number {
    if (ts >= dipAt && ts < dipAt + dipMs) return 0.86;
    if (ts < slideStartedAt) return 0.92;
    if (ts < collapseStartedAt) return 0.92 - 0.011 * ((ts - slideStartedAt) / CREEP_MS);
    if (ts < slideEndedAt) return 0.909 - 0.099 * ((ts - collapseStartedAt) / COLLAPSE_MS);
    return 0.81;
  }

  function candidateNoise(ts: number): number {
    return ts < collapseStartedAt ? 0.002 : 0.003;
  }
}

/** Small, fast, seedable 32-bit PRNG; uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws by Box–Muller. */
function gaussian(rand: () => number): () => number {
  return () => {
    const u = 1 - rand();
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}
