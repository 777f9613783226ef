const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const UNITS: readonly [number, string][] = [
  [DAY, "d"],
  [HOUR, "h"],
  [MINUTE, "m"],
  [SECOND, "s"],
];

/**
 * The one way a duration is shown: `850ms`, `4.2s`, `42s`, `1m 59s`, `6h 2m`, `2d 3h`; a dash
 * when unknown. At most the two largest units, each truncated rather than rounded, so 119,630 ms
 * is `1m 59s` (never `1m 60s` or `2m`) and a longer duration never reads as a shorter one.
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  const abs = Math.abs(ms);
  if (abs < 1) return "0s";
  const sign = ms < 0 ? "-" : "";
  if (abs < SECOND) return `${sign}${Math.floor(abs)}ms`;
  // Tenths below ten seconds: step timings and gaps are often a few seconds apart.
  if (abs < 10 * SECOND) {
    const tenths = Math.floor(abs / 100);
    return `${sign}${tenths % 10 === 0 ? tenths / 10 : (tenths / 10).toFixed(1)}s`;
  }
  const index = UNITS.findIndex(([size]) => abs >= size);
  const [major, majorUnit] = UNITS[index]!;
  const majorCount = Math.floor(abs / major);
  const minor = UNITS[index + 1];
  const minorCount = minor ? Math.floor((abs % major) / minor[0]) : 0;
  return minor && minorCount > 0 ? `${sign}${majorCount}${majorUnit} ${minorCount}${minor[1]}` : `${sign}${majorCount}${majorUnit}`;
}
