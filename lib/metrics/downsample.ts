/**
 * Min-max downsampling for charts: the time range is cut into maxPoints / 2 equal buckets and
 * each bucket keeps its lowest and highest point, in time order. Unlike averaging or picking
 * every n-th point, a one-minute dip or spike survives at any zoom, so the chart never hides
 * the thing an operator is looking for. O(n), pure; input must be sorted by ts.
 */
export function downsampleMinMax<T extends { ts: number; value: number }>(
  points: readonly T[],
  maxPoints: number,
): T[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new RangeError(`maxPoints must be an integer of at least 2, got ${maxPoints}`);
  }
  for (let i = 1; i < points.length; i++) {
    if ((points[i] as T).ts < (points[i - 1] as T).ts) {
      throw new RangeError("points must be sorted by ts");
    }
  }
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last || points.length <= maxPoints) return points.slice();

  const bucketCount = Math.floor(maxPoints / 2);
  const span = last.ts - first.ts;
  const minIndex = new Array<number>(bucketCount).fill(-1);
  const maxIndex = new Array<number>(bucketCount).fill(-1);
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as T;
    const b =
      span === 0
        ? 0
        : Math.min(bucketCount - 1, Math.floor(((p.ts - first.ts) / span) * bucketCount));
    const lo = minIndex[b] as number;
    const hi = maxIndex[b] as number;
    // Strict comparisons keep the earliest of equal values.
    if (lo === -1 || p.value < (points[lo] as T).value) minIndex[b] = i;
    if (hi === -1 || p.value > (points[hi] as T).value) maxIndex[b] = i;
  }

  const out: T[] = [];
  for (let b = 0; b < bucketCount; b++) {
    const lo = minIndex[b] as number;
    const hi = maxIndex[b] as number;
    if (lo === -1) continue;
    const a = Math.min(lo, hi);
    const z = Math.max(lo, hi);
    out.push(points[a] as T);
    if (z !== a) out.push(points[z] as T);
  }
  return out;
}

/** Where one stretch of a chart's range is read from: raw points (`levelMs` 0) or a rollup level. */
export interface ReadSegment {
  levelMs: number;
  /** Epoch ms, half-open [from, to); on a rollup level both are multiples of `levelMs`. */
  from: number;
  to: number;
}

/** How a chart reads [from, to] (both inclusive) downsampled to at most `maxPoints`. */
export interface ChartReadPlan {
  /** Output buckets: each keeps its lowest and highest point. */
  buckets: number;
  bucketMs: number;
  segments: ReadSegment[];
}

/**
 * Picks what a min/max chart reads: the coarsest rollup level whose buckets are no wider than an
 * output bucket covers the whole multiples of that level inside the range, and the ragged ends
 * are read from the next finer levels down to raw points. Every rollup keeps its bucket's exact
 * lowest and highest point, so the chart shows the same extremes as raw points would, while a
 * 30-day range reads hundreds of hourly rows instead of hundreds of thousands of points.
 * `levelsMs` are the stored rollup widths, each a multiple of the next, coarsest first.
 */
export function planChartRead(from: number, to: number, maxPoints: number, levelsMs: readonly number[]): ChartReadPlan {
  if (!Number.isInteger(maxPoints) || maxPoints < 2) throw new RangeError(`maxPoints must be an integer of at least 2, got ${maxPoints}`);
  if (!(from <= to)) throw new RangeError("from must not be after to");
  const buckets = Math.floor(maxPoints / 2);
  const bucketMs = (to + 1 - from) / buckets;
  const usable = levelsMs.filter((level) => level <= bucketMs);
  const segments: ReadSegment[] = [];
  const cover = (a: number, b: number, levels: readonly number[]) => {
    if (a >= b) return;
    const [level, ...finer] = levels;
    if (level === undefined) {
      segments.push({ levelMs: 0, from: a, to: b });
      return;
    }
    const start = Math.ceil(a / level) * level;
    const end = Math.floor(b / level) * level;
    if (start >= end) return cover(a, b, finer);
    cover(a, start, finer);
    segments.push({ levelMs: level, from: start, to: end });
    cover(end, b, finer);
  };
  cover(from, to + 1, usable);
  return { buckets, bucketMs, segments };
}
