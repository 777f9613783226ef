import { METRIC_NAME_PATTERN } from "./policy";

/** Most points one `POST /api/v1/metrics` may carry. */
export const MAX_POINTS_PER_REQUEST = 20_000;
/** A collector's clock may run a little ahead of ours; further ahead is a bug on its side. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
const MAX_SAMPLE_COUNT = 2_147_483_647;

/** A point that passed its own checks; deployment and version are resolved against the registry later. */
export interface CheckedPoint {
  deployment: string;
  version: string;
  metric: string;
  ts: number;
  value: number;
  sampleCount: number;
}

export type PointCheck = { ok: true; point: CheckedPoint } | { ok: false; error: string };

// Date, time and an explicit zone: a time without one means something different to each collector.
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):?(\d{2}))$/;

const fail = (error: string): PointCheck => ({ ok: false, error });

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return value.length > 40 ? "a string" : `"${value}"`;
  return typeof value;
}

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146_097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719_468;
}

/**
 * Epoch ms of a strict ISO-8601 time with a zone, or null; what `Date.parse` answers for it
 * (fractions truncated to the millisecond). V8 alone accepts e.g. February 30th. Plain arithmetic:
 * ingestion parses 100,000 of these a second, and a `Date` object each costs more than the rest.
 */
export function parseIsoTime(text: string): number | null {
  const m = ISO_8601.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12 || day < 1) return null;
  if (day > (month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number))) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, "0")) : 0;
  let offsetMinutes = 0;
  if (m[8]) {
    const offsetHour = Number(m[9]);
    const offsetMinute = Number(m[10]);
    if (offsetHour > 23 || offsetMinute > 59) return null;
    offsetMinutes = (m[8] === "-" ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  }
  return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute - offsetMinutes) * 60_000 + second * 1000 + ms;
}

/**
 * Checks one raw ingestion point by hand: this runs 100,000 times a second, where a general
 * schema validator costs more than the database insert. Each error names the field.
 */
export function checkPoint(raw: unknown, now: number, oldestMs: number): PointCheck {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return fail(`point: expected an object, got ${describe(raw)}`);
  const p = raw as Record<string, unknown>;
  const { deployment, version, metric, ts, value, sampleCount } = p;
  if (typeof deployment !== "string" || deployment === "") return fail(`deployment: expected a deployment slug, got ${describe(deployment)}`);
  if (typeof version !== "string" || version === "") return fail(`version: expected a pinned version id such as v13, got ${describe(version)}`);
  if (typeof metric !== "string" || metric.length === 0 || metric.length > 100 || !METRIC_NAME_PATTERN.test(metric)) {
    return fail(`metric: expected 1-100 characters of a-z, 0-9, '_', '.' and '-', got ${describe(metric)}`);
  }
  if (typeof value !== "number" || !Number.isFinite(value)) {
    return fail(`value: expected a finite number, got ${typeof value === "number" ? String(value) : describe(value)}`);
  }
  let count = 1;
  if (sampleCount !== undefined) {
    if (typeof sampleCount !== "number" || !Number.isInteger(sampleCount) || sampleCount < 1 || sampleCount > MAX_SAMPLE_COUNT) {
      return fail(`sampleCount: expected a positive integer, got ${typeof sampleCount === "number" ? String(sampleCount) : describe(sampleCount)}`);
    }
    count = sampleCount;
  }
  if (typeof ts !== "string") return fail(`ts: expected an ISO-8601 time string such as 2026-06-15T14:03:07Z, got ${describe(ts)}`);
  const at = parseIsoTime(ts);
  if (at === null) return fail(`ts: not an ISO-8601 time with a zone (e.g. 2026-06-15T14:03:07Z): ${describe(ts)}`);
  if (at > now + MAX_FUTURE_SKEW_MS) {
    return fail(`ts: ${ts} is ${Math.round((at - now) / 1000)} s in the future; at most ${MAX_FUTURE_SKEW_MS / 1000} s ahead of the server clock is accepted`);
  }
  if (at < oldestMs) return fail(`ts: ${ts} is older than the retention period, so it would be deleted at once`);
  return { ok: true, point: { deployment, version, metric, ts: at, value, sampleCount: count } };
}
