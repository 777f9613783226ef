// The canary chart's axes and labels as pure functions of the range and the plot's size, so the
// rules are unit-tested: ticks at round times and round values, each date named once, and
// marker labels that never overlap.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** 1970-01-01, where epoch multiples start, was a Thursday; weeks start on Monday. */
const MONDAY = 4 * DAY;

const TIME_STEPS = [
  ...[1, 2, 5, 10, 15, 30].map((m) => m * MINUTE),
  ...[1, 2, 3, 6, 12].map((h) => h * HOUR),
  DAY,
  2 * DAY,
  WEEK,
  2 * WEEK,
  ...[30, 60, 90, 180, 365].map((d) => d * DAY),
];

/** The multiples of `step` in [from, to] (weeks from Mondays), or null when there are more than `limit`. */
function ticksEvery(from: number, to: number, step: number, limit: number): number[] | null {
  const offset = step % WEEK === 0 ? MONDAY : 0;
  const first = Math.ceil((from - offset) / step) * step + offset;
  const count = first > to ? 0 : Math.floor((to - first) / step) + 1;
  return count > limit ? null : Array.from({ length: count }, (_, i) => first + i * step);
}

function timeLabel(t: number, step: number, span: number): string {
  const iso = new Date(t).toISOString();
  // A day's first tick names the day, so no date repeats and the times between read against it.
  if (step >= DAY || t % DAY === 0) return span > 300 * DAY ? iso.slice(0, 10) : iso.slice(5, 10);
  return iso.slice(11, 16);
}

/**
 * At most `maxTicks` ticks at round UTC times for [from, to] (epoch ms): the finest of 1, 2, 5,
 * 10, 15, 30 minutes, 1, 2, 3, 6, 12 hours, days, Monday weeks… that fits. Labels are `HH:MM`,
 * or `MM-DD` at midnight and for steps of a day or more.
 */
export function timeTicks(from: number, to: number, maxTicks: number): { ticks: number[]; labels: string[] } {
  const span = to - from;
  for (const step of TIME_STEPS) {
    const ticks = ticksEvery(from, to, step, maxTicks);
    if (ticks === null) continue;
    if (ticks.length === 0) break;
    return { ticks, labels: ticks.map((t) => timeLabel(t, step, span)) };
  }
  // Too short for any round step to fall inside: one tick on the minute, when there is one.
  const first = Math.ceil(from / MINUTE) * MINUTE;
  return first <= to ? { ticks: [first], labels: [timeLabel(first, MINUTE, span)] } : { ticks: [], labels: [] };
}

/**
 * A value axis that covers [min, max] with at most `maxTicks` intervals of 1, 2 or 5 × 10^k, the
 * domain ending on ticks. Values are rounded to the step's digits so no float noise reaches a label.
 */
export function valueTicks(min: number, max: number, maxTicks: number): { domain: [number, number]; ticks: number[] } {
  if (max - min <= 0) {
    const pad = Math.abs(min) * 0.01 || 1;
    return valueTicks(min - pad, max + pad, maxTicks);
  }
  let magnitude = 10 ** Math.floor(Math.log10((max - min) / maxTicks));
  for (;;) {
    for (const mantissa of [1, 2, 5]) {
      const step = mantissa * magnitude;
      const first = Math.floor(min / step);
      const last = Math.ceil(max / step);
      if (last - first > maxTicks) continue;
      const decimals = Math.max(0, -Math.floor(Math.log10(step)));
      const round = (i: number) => Number((i * step).toFixed(decimals)) || 0;
      const ticks = Array.from({ length: last - first + 1 }, (_, i) => round(first + i));
      return { domain: [ticks[0]!, ticks[ticks.length - 1]!], ticks };
    }
    magnitude *= 10;
  }
}

/**
 * Which row (lane, 0 at the top) each marker's label goes in: labels are centred on their
 * marker's x; a label takes the first lane where it clears the previous one by `gap` pixels, so
 * markers close in time stack instead of overlapping. Returned in the input's order.
 */
export function markerLanes(labels: readonly { x: number; width: number }[], gap = 4): number[] {
  const order = labels.map((_, i) => i).sort((a, b) => labels[a]!.x - labels[b]!.x || a - b);
  const laneEnds: number[] = [];
  const lanes: number[] = new Array(labels.length);
  for (const i of order) {
    const { x, width } = labels[i]!;
    const left = x - width / 2;
    let lane = laneEnds.findIndex((end) => end + gap < left);
    if (lane === -1) lane = laneEnds.length;
    laneEnds[lane] = x + width / 2;
    lanes[i] = lane;
  }
  return lanes;
}
