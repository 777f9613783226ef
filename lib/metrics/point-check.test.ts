import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkPoint, parseIsoTime } from "./point-check";

const now = Date.parse("2026-06-15T12:00:00Z");
const oldest = now - 90 * 86_400_000;
const good = { deployment: "support-router", version: "v14", metric: "canary_accuracy", ts: "2026-06-15T11:59:50Z", value: 0.92, sampleCount: 20 };

describe("checkPoint", () => {
  it("accepts a well-formed point, defaulting sampleCount to 1", () => {
    expect(checkPoint(good, now, oldest)).toEqual({ ok: true, point: { ...good, ts: Date.parse(good.ts) } });
    const { sampleCount: _omitted, ...withoutCount } = good;
    expect(checkPoint(withoutCount, now, oldest)).toMatchObject({ ok: true, point: { sampleCount: 1 } });
  });

  it.each([
    [{ ...good, value: Number.POSITIVE_INFINITY }, /^value: expected a finite number, got Infinity/],
    [{ ...good, value: Number.NaN }, /^value: expected a finite number, got NaN/],
    [{ ...good, value: "0.9" }, /^value: expected a finite number, got "0.9"/],
    [{ ...good, ts: 1781524987000 }, /^ts: expected an ISO-8601 time string/],
    [{ ...good, ts: "2026-06-15 11:59:50" }, /^ts: not an ISO-8601 time with a zone/],
    [{ ...good, ts: "2026-06-15T11:59:50" }, /^ts: not an ISO-8601 time with a zone/],
    [{ ...good, ts: "2026-06-15T12:05:01Z" }, /^ts: .* is 301 s in the future/],
    [{ ...good, ts: "2026-01-01T00:00:00Z" }, /^ts: .* older than the retention period/],
    [{ ...good, sampleCount: 1.5 }, /^sampleCount:/],
    [{ ...good, deployment: "" }, /^deployment:/],
    [{ ...good, version: 14 }, /^version:/],
    [{ ...good, metric: "Canary Accuracy" }, /^metric:/],
    [[good], /^point: expected an object, got an array/],
  ])("refuses %j with a message naming the field", (raw, message) => {
    const result = checkPoint(raw, now, oldest);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it("accepts a point exactly five minutes ahead of the server clock", () => {
    expect(checkPoint({ ...good, ts: "2026-06-15T12:05:00Z" }, now, oldest).ok).toBe(true);
  });
});

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
/** A real time, written as ISO-8601 with any fraction and zone. */
const validTime = fc
  .record({
    date: fc.date({ min: new Date("0001-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true }),
    fraction: fc.option(fc.stringMatching(/^\d{1,9}$/), { nil: undefined }),
    zone: fc.oneof(fc.constant("Z"), fc.tuple(fc.constantFrom("+", "-"), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.boolean()).map(([sign, h, m, colon]) => `${sign}${pad(h)}${colon ? ":" : ""}${pad(m)}`)),
  })
  .map(({ date, fraction, zone }) => {
    const d = date;
    return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${fraction === undefined ? "" : `.${fraction}`}${zone}`;
  });

describe("parseIsoTime", () => {
  it("reads offsets and fractions, and refuses impossible dates V8 would roll over", () => {
    expect(parseIsoTime("2026-06-15T14:03:07.123+02:00")).toBe(Date.parse("2026-06-15T12:03:07.123Z"));
    expect(parseIsoTime("2026-02-30T00:00:00Z")).toBeNull();
    expect(parseIsoTime("2026-06-15T24:00:00Z")).toBeNull();
    expect(parseIsoTime("2024-02-29T00:00:00Z")).toBe(Date.parse("2024-02-29T00:00:00Z"));
    expect(parseIsoTime("1900-02-29T00:00:00Z")).toBeNull();
    expect(parseIsoTime("2026-06-15T14:03:07+24:00")).toBeNull();
  });

  it("answers what Date.parse answers for every real date, fraction and zone", () => {
    fc.assert(fc.property(validTime, (text) => parseIsoTime(text) === Date.parse(text)), { numRuns: 2_000 });
  });

  it("refuses and accepts exactly what the strict ISO-8601 pattern does, for times one character off", () => {
    const edited = fc
      .tuple(validTime, fc.nat(), fc.constantFrom("0", "9", "-", ":", ".", "T", "t", "Z", "z", "+", " ", "x", "\u0663"), fc.constantFrom("replace", "delete", "insert"))
      .map(([text, position, character, edit]) => {
        const at = position % (text.length + 1);
        if (edit === "insert") return text.slice(0, at) + character + text.slice(at);
        if (edit === "delete") return text.slice(0, at) + text.slice(at + 1);
        return text.slice(0, at) + character + text.slice(at + 1);
      });
    fc.assert(fc.property(edited, (text) => parseIsoTime(text) === parseByPattern(text)), { numRuns: 5_000 });
  });
});

// What ingestion parsed times with before it read them character by character: the reference.
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):?(\d{2}))$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function parseByPattern(text: string): number | null {
  const m = ISO_8601.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  if (m[8] && (Number(m[9]) > 23 || Number(m[10]) > 59)) return null;
  return Date.parse(text);
}
