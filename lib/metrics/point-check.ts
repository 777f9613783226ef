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

/** The number the `count` ASCII digits at `at` spell, or -1 when one is not a digit (or past the end). */
function digitsAt(text: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    n = n * 10 + d;
  }
  return n;
}

const charAt = (text: string, at: number) => text.charCodeAt(at);
const DASH = 45;
const COLON = 58;
const DOT = 46;
const PLUS = 43;
const UPPER_T = 84;
const UPPER_Z = 90;

/**
 * Epoch ms of a strict ISO-8601 time with a zone, or null: `YYYY-MM-DDTHH:MM:SS`, an optional
 * fraction of 1-9 digits, then `Z` or `±HH:MM` (colon optional). What `Date.parse` answers for it
 * (fractions truncated to the millisecond); V8 alone accepts e.g. February 30th. Read character by
 * character: ingestion parses 100,000 of these a second, and a regular expression's match (eleven
 * strings) or a `Date` object each costs more than the rest of the check.
 */
export function parseIsoTime(text: string): number | null {
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return null;
  if (charAt(text, 4) !== DASH || charAt(text, 7) !== DASH || charAt(text, 10) !== UPPER_T || charAt(text, 13) !== COLON || charAt(text, 16) !== COLON) return null;
  let at = 19;
  let ms = 0;
  if (charAt(text, at) === DOT) {
    const first = ++at;
    while (digitsAt(text, at, 1) >= 0) at++;
    const fraction = at - first;
    if (fraction < 1 || fraction > 9) return null;
    for (let i = 0; i < 3; i++) ms = ms * 10 + (i < fraction ? digitsAt(text, first + i, 1) : 0);
  }
  let offsetMinutes = 0;
  const zone = charAt(text, at);
  if (zone === UPPER_Z) {
    if (at + 1 !== text.length) return null;
  } else if (zone === PLUS || zone === DASH) {
    const offsetHour = digitsAt(text, at + 1, 2);
    const minutesAt = charAt(text, at + 3) === COLON ? at + 4 : at + 3;
    const offsetMinute = digitsAt(text, minutesAt, 2);
    if (offsetHour < 0 || offsetMinute < 0 || minutesAt + 2 !== text.length) return null;
    if (offsetHour > 23 || offsetMinute > 59) return null;
    offsetMinutes = (zone === DASH ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  } else {
    return null;
  }
  if (month < 1 || month > 12 || day < 1) return null;
  if (day > (month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number))) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
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
