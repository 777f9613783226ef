// Pure aggregation behind the analytics page: durations summarised per period as median, p90 and
// count (a mean hides the long tail an incident review cares about), and rates with their
// numerator and denominator so "0 of 0" never reads as 0 %.

export type Period = "week" | "month";

const DAY_MS = 86_400_000;

/** Start of the UTC period holding `date`: Monday 00:00 UTC for weeks, the 1st for months. */
export function periodStart(date: Date, period: Period): Date {
  if (period === "month") return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
  const midnight = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  return new Date(midnight - sinceMonday * DAY_MS);
}

function nextPeriod(start: Date, period: Period): Date {
  if (period === "month") return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  return new Date(start.getTime() + 7 * DAY_MS);
}

/** Every period from the one holding `from` to the one holding `to`, as `YYYY-MM-DD` keys. */
export function periodsBetween(from: Date, to: Date, period: Period): string[] {
  const keys: string[] = [];
  for (let at = periodStart(from, period); at.getTime() <= to.getTime(); at = nextPeriod(at, period)) {
    keys.push(at.toISOString().slice(0, 10));
  }
  return keys;
}

export const periodKey = (date: Date, period: Period) => periodStart(date, period).toISOString().slice(0, 10);

/** The q-quantile of ascending `sorted` by linear interpolation between closest ranks. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (sorted.length - 1) * q;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export interface DurationSample {
  readonly at: Date;
  readonly ms: number;
}

export interface DurationStats {
  readonly period: string;
  readonly count: number;
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
}

export function durationStatsByPeriod(
  samples: readonly DurationSample[],
  period: Period,
  range: { readonly from: Date; readonly to: Date },
): DurationStats[] {
  const buckets = new Map<string, number[]>(periodsBetween(range.from, range.to, period).map((key) => [key, []]));
  for (const sample of samples) {
    if (!Number.isFinite(sample.ms)) continue;
    buckets.get(periodKey(sample.at, period))?.push(sample.ms);
  }
  return [...buckets].map(([key, values]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const ms = (q: number) => {
      const value = quantile(sorted, q);
      return value === null ? null : Math.round(value);
    };
    return { period: key, count: sorted.length, medianMs: ms(0.5), p90Ms: ms(0.9) };
  });
}

export interface RateStats {
  readonly period: string;
  readonly numerator: number;
  readonly denominator: number;
  /** null when nothing happened in the period: no promotions is not a 0 % failure rate. */
  readonly rate: number | null;
}

export function rate(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/** Each event counts once in the denominator and, when `hit`, in the numerator. */
export function rateByPeriod(
  events: readonly { readonly at: Date; readonly hit: boolean }[],
  period: Period,
  range: { readonly from: Date; readonly to: Date },
): RateStats[] {
  const buckets = new Map<string, { hits: number; total: number }>(
    periodsBetween(range.from, range.to, period).map((key) => [key, { hits: 0, total: 0 }]),
  );
  for (const event of events) {
    const bucket = buckets.get(periodKey(event.at, period));
    if (!bucket) continue;
    bucket.total += 1;
    if (event.hit) bucket.hits += 1;
  }
  return [...buckets].map(([key, { hits, total }]) => ({ period: key, numerator: hits, denominator: total, rate: rate(hits, total) }));
}

/** RFC 4180: a field holding a comma, quote or line break is quoted, quotes doubled. */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const field = (value: string | number | null) => {
    if (value === null) return "";
    const text = String(value);
    // A leading = + - @ would run as a formula when the file is opened in a spreadsheet.
    const safe = /^[=+\-@]/.test(text) && typeof value === "string" ? `'${text}` : text;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [header, ...rows].map((row) => row.map(field).join(",")).join("\r\n") + "\r\n";
}
