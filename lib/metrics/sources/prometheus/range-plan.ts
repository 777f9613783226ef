// Which `query_range` requests read a range. Prometheus refuses a request that would return more
// than 11,000 points per series (400 bad_data), so long ranges are split; evaluation instants sit
// on a fixed grid so consecutive reads (evaluation ticks, chart refreshes) see the same instants.

/** Prometheus' limit of points per series in one query_range answer. */
export const PROMETHEUS_MAX_POINTS = 11_000;
/** What one request asks for at most, below the limit. */
export const POINTS_PER_REQUEST = 10_000;

/** One query_range request: evaluation instants start, start + step, …, ≤ end (epoch ms). */
export interface RangeRequest {
  start: number;
  end: number;
  stepMs: number;
}

/**
 * The grid instants anchor + k·stepMs inside [from, to], as requests of at most `perRequest`
 * points each, oldest first; none when the range holds no instant.
 */
export function rangeRequests(from: number, to: number, stepMs: number, options: { anchor?: number; perRequest?: number } = {}): RangeRequest[] {
  if (!(stepMs > 0)) throw new RangeError("stepMs must be positive");
  const anchor = options.anchor ?? 0;
  const perRequest = options.perRequest ?? POINTS_PER_REQUEST;
  const first = anchor + Math.ceil((from - anchor) / stepMs) * stepMs;
  const last = anchor + Math.floor((to - anchor) / stepMs) * stepMs;
  const requests: RangeRequest[] = [];
  for (let start = first; start <= last; start += perRequest * stepMs) {
    requests.push({ start, end: Math.min(last, start + (perRequest - 1) * stepMs), stepMs });
  }
  return requests;
}

/** The chart's step: whole seconds, as fine as `maxPoints` over [from, to] allows. */
export function chartStepMs(from: number, to: number, maxPoints: number): number {
  const intervals = Math.max(1, maxPoints - 1);
  return Math.max(1000, Math.ceil((to - from) / intervals / 1000) * 1000);
}

/**
 * The step the prior-version floor reads its lookback at: whole seconds that divide the bucket
 * (so every bucket holds the same number of instants), at most 60 instants a bucket, and no more
 * than `POINTS_PER_REQUEST` instants over the lookback (one request) unless that would leave
 * buckets empty: then one instant a bucket.
 */
export function floorStepMs(bucketSeconds: number, lookbackMs: number): number {
  const fewest = Math.max(Math.ceil(bucketSeconds / 60), Math.ceil(lookbackMs / 1000 / (POINTS_PER_REQUEST - 1)), 1);
  for (let step = fewest; step < bucketSeconds; step++) {
    if (bucketSeconds % step === 0) return step * 1000;
  }
  return bucketSeconds * 1000;
}
