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
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})$/;

const fail = (error: string): PointCheck => ({ ok: false, error });

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return value.length > 40 ? "a string" : `"${value}"`;
  return typeof value;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Epoch ms of a strict ISO-8601 time with a zone, or null. V8 alone accepts e.g. February 30th. */
export function parseIsoTime(text: string): number | null {
  const m = ISO_8601.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
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
