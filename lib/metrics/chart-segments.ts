/**
 * Where a series breaks: a gap much longer than its usual spacing (the version was not serving,
 * or reported nothing) starts a new segment, so no line is drawn across it.
 */
export function segmentStarts(times: number[], span: number): Set<number> {
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)] ?? 0;
  const tolerance = Math.max(5 * median, span / 100);
  return new Set(gaps.flatMap((gap, i) => (gap > tolerance ? [i + 1] : [])));
}
