import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateWindow, findFirstFiringTime, gapToleranceMs, isBreach } from "./evaluator";
import type { MetricSample } from "./types";

const STEP = 10_000; // 10-second points
const T0 = Date.UTC(2026, 5, 3, 9, 0, 0);
const FLOOR = 0.905;
const GOOD = 0.92;
const BAD = 0.81;
const WINDOW_SECONDS = 1800;
const BASE = {
  windowSeconds: WINDOW_SECONDS,
  minSamples: 120,
  floor: FLOOR,
  direction: "higher_is_better" as const,
  expectedSampleIntervalSeconds: 10,
};

/** Regular 10-second series from T0; `valueAt(i, ts)` gives each point. */
function series(count: number, valueAt: (i: number, ts: number) => number): MetricSample[] {
  return Array.from({ length: count }, (_, i) => {
    const ts = T0 + i * STEP;
    return { ts, value: valueAt(i, ts), sampleCount: 20 };
  });
}

const at = (i: number) => T0 + i * STEP;

describe("evaluateWindow", () => {
  it("does not fire on a single spike", () => {
    const points = series(400, (i) => (i === 300 ? 0.5 : GOOD));
    const v = evaluateWindow({ ...BASE, samples: points, now: at(300) });
    expect(v.verdict).toBe("healthy");
    expect(v.stats.breachingCount).toBe(1);
    expect(v.stats.min).toBe(0.5);
  });

  it("does not fire on one bad minute", () => {
    const points = series(400, (i) => (i >= 300 && i < 306 ? BAD : GOOD));
    for (const now of [at(305), at(320), at(399)]) {
      expect(evaluateWindow({ ...BASE, samples: points, now }).verdict).toBe("healthy");
    }
  });

  it("does not fire when one good point sits in an otherwise breaching window", () => {
    const points = series(400, (i) => (i === 250 ? GOOD : BAD));
    const v = evaluateWindow({ ...BASE, samples: points, now: at(399) });
    expect(v.verdict).toBe("healthy");
    expect(v.stats.breachingCount).toBe(v.stats.count - 1);
  });

  it("fires on a sustained breach and dates the regression to the first breaching point", () => {
    // Good until i = 100, bad from i = 100 on; the window [now − 30 min, now] is bad from i = 200.
    const points = series(400, (i) => (i < 100 ? GOOD : BAD));
    const now = at(400 - 1);
    const v = evaluateWindow({ ...BASE, samples: [...points].reverse(), now });
    expect(v.verdict).toBe("breach");
    if (v.verdict !== "breach") return;
    expect(v.regressionStartedAt).toBe(at(100));
    expect(v.detectedAt).toBe(now);
    expect(v.timeToDetectMs).toBe(now - at(100));
    expect(v.evidence).toHaveLength(181);
    expect(v.evidence.map((p) => p.ts)).toEqual([...v.evidence.map((p) => p.ts)].sort((a, b) => a - b));
    expect(v.evidence[0]?.ts).toBe(now - WINDOW_SECONDS * 1000);
    expect(v.stats).toMatchObject({
      count: 181,
      sampleCount: 181 * 20,
      min: BAD,
      max: BAD,
      firstTs: now - WINDOW_SECONDS * 1000,
      lastTs: now,
      breachingCount: 181,
    });
    expect(v.stats.mean).toBeCloseTo(BAD, 12);
  });

  it("weights the window mean by sample count", () => {
    const points = series(181, (i) => (i === 0 ? 0.5 : 0.8)).map((p, i) => ({
      ...p,
      sampleCount: i === 0 ? 1000 : 1,
    }));
    const v = evaluateWindow({ ...BASE, samples: points, now: at(180) });
    expect(v.stats.mean).toBeCloseTo((0.5 * 1000 + 0.8 * 180) / 1180, 12);
  });

  it("stops the regression walk-back at a gap wider than the tolerance", () => {
    const points = series(400, () => BAD).filter((_, i) => i < 50 || i >= 60);
    const v = evaluateWindow({ ...BASE, samples: points, now: at(399) });
    expect(v.verdict).toBe("breach");
    if (v.verdict === "breach") expect(v.regressionStartedAt).toBe(at(60));
  });

  it("reports no_data for a gap inside the window, even when every point breaches", () => {
    const points = series(400, () => BAD).filter((_, i) => i < 300 || i >= 330);
    const v = evaluateWindow({ ...BASE, samples: points, now: at(399) });
    expect(v.verdict).toBe("no_data");
    if (v.verdict === "no_data") {
      expect(v.code).toBe("gap");
      expect(v.reason).toContain("5m 10s without points");
    }
  });

  it("tolerates a hole up to the tolerance (max(2 × interval, 5 % of window) = 90 s)", () => {
    expect(gapToleranceMs(WINDOW_SECONDS, 10)).toBe(90_000);
    expect(gapToleranceMs(600, 30)).toBe(60_000);
    const within = series(400, () => BAD).filter((_, i) => i < 300 || i >= 308); // 90 s apart
    expect(evaluateWindow({ ...BASE, samples: within, now: at(399) }).verdict).toBe("breach");
    const beyond = series(400, () => BAD).filter((_, i) => i < 300 || i >= 309); // 100 s apart
    expect(evaluateWindow({ ...BASE, samples: beyond, now: at(399) }).verdict).toBe("no_data");
  });

  it("reports no_data when points start late in the window or stop before its end", () => {
    const late = series(400, () => BAD).filter((_, i) => i >= 230);
    const lateVerdict = evaluateWindow({ ...BASE, minSamples: 1, samples: late, now: at(399) });
    expect(lateVerdict).toMatchObject({ verdict: "no_data", code: "leading_gap" });

    const stale = series(390, () => BAD);
    const staleVerdict = evaluateWindow({ ...BASE, minSamples: 1, samples: stale, now: at(399) });
    expect(staleVerdict).toMatchObject({ verdict: "no_data", code: "trailing_gap" });
  });

  it("reports no_data when the window holds fewer than minSamples points", () => {
    const points = series(400, () => BAD);
    const v = evaluateWindow({ ...BASE, minSamples: 182, samples: points, now: at(399) });
    expect(v).toMatchObject({ verdict: "no_data", code: "too_few_samples" });
    expect(v.stats.count).toBe(181);
    expect(evaluateWindow({ ...BASE, minSamples: 181, samples: points, now: at(399) }).verdict).toBe(
      "breach",
    );
    const empty = evaluateWindow({ ...BASE, minSamples: 1, samples: [], now: at(399) });
    expect(empty).toMatchObject({ verdict: "no_data", code: "too_few_samples" });
    expect(empty.stats).toMatchObject({ count: 0, mean: null, min: null, firstTs: null });
  });

  it("includes a point exactly at the window start and exactly at now", () => {
    const now = at(399);
    const start = now - WINDOW_SECONDS * 1000; // = at(219)
    const goodAtStart = series(400, (_, ts) => (ts === start ? GOOD : BAD));
    expect(evaluateWindow({ ...BASE, samples: goodAtStart, now }).verdict).toBe("healthy");

    const goodAtNow = series(400, (_, ts) => (ts === now ? GOOD : BAD));
    expect(evaluateWindow({ ...BASE, samples: goodAtNow, now }).verdict).toBe("healthy");

    const goodJustBefore = series(400, (_, ts) => (ts === start - STEP ? GOOD : BAD));
    const v = evaluateWindow({ ...BASE, samples: goodJustBefore, now });
    expect(v.verdict).toBe("breach");
    if (v.verdict === "breach") expect(v.regressionStartedAt).toBe(start);
  });

  it("never fires on a window holding a single point, even with minSamples 1", () => {
    for (const offset of [0, 900_000, 1_800_000]) {
      const lone = [{ ts: at(399) - offset, value: BAD, sampleCount: 20 }];
      const v = evaluateWindow({ ...BASE, minSamples: 1, samples: lone, now: at(399) });
      expect(v.verdict).toBe("no_data");
    }
  });

  it("ignores points after now", () => {
    const points = series(400, (i) => (i > 300 ? GOOD : BAD));
    const v = evaluateWindow({ ...BASE, samples: points, now: at(300) });
    expect(v.verdict).toBe("breach");
    expect(v.stats.lastTs).toBe(at(300));
  });

  it("treats a value equal to the floor as not breaching", () => {
    expect(isBreach(FLOOR, FLOOR, "higher_is_better")).toBe(false);
    expect(isBreach(FLOOR, FLOOR, "lower_is_better")).toBe(false);
    const points = series(400, () => FLOOR);
    expect(evaluateWindow({ ...BASE, samples: points, now: at(399) }).verdict).toBe("healthy");
  });

  it("fires for lower_is_better when latency stays above the ceiling, not when it dips under", () => {
    const latency = { ...BASE, floor: 250, direction: "lower_is_better" as const };
    const slow = series(400, (i) => (i < 100 ? 180 : 320));
    const v = evaluateWindow({ ...latency, samples: slow, now: at(399) });
    expect(v.verdict).toBe("breach");
    if (v.verdict === "breach") expect(v.regressionStartedAt).toBe(at(100));

    const fast = series(400, () => 120);
    expect(evaluateWindow({ ...latency, samples: fast, now: at(399) }).verdict).toBe("healthy");

    const oneSlowMinute = series(400, (i) => (i >= 390 ? 900 : 180));
    expect(evaluateWindow({ ...latency, samples: oneSlowMinute, now: at(399) }).verdict).toBe(
      "healthy",
    );
  });
});

describe("findFirstFiringTime", () => {
  it("fires at the first tick whose whole window breaches", () => {
    const points = series(800, (i) => (i < 300 ? GOOD : BAD));
    const firing = findFirstFiringTime({ ...BASE, samples: points, evaluationIntervalSeconds: 60 });
    // The breach starts at at(300); the window first lies wholly inside it at at(300) + 30 min.
    expect(firing?.firedAt).toBe(at(300) + WINDOW_SECONDS * 1000);
    expect(firing?.verdict.regressionStartedAt).toBe(at(300));
    expect(firing?.verdict.timeToDetectMs).toBe(WINDOW_SECONDS * 1000);
  });

  it("returns null when the series never breaches for a whole window", () => {
    const points = series(2000, (i) => (i % 150 === 0 ? GOOD : BAD));
    expect(
      findFirstFiringTime({ ...BASE, samples: points, evaluationIntervalSeconds: 60 }),
    ).toBeNull();
  });
});

describe("sustained-window properties", () => {
  const windowPoints = WINDOW_SECONDS * 1000 / STEP; // 180 intervals → 181 points per window

  const direction = fc.constantFrom("higher_is_better" as const, "lower_is_better" as const);
  const margin = fc.double({ min: 1e-6, max: 0.2, noNaN: true });
  const toValue = (breach: boolean, d: "higher_is_better" | "lower_is_better", m: number) =>
    (breach === (d === "higher_is_better") ? FLOOR - m : FLOOR + m);

  it("never fires when no breaching run spans a whole window", () => {
    fc.assert(
      fc.property(
        // After a good first point, runs of at most 179 breaching 10-second points (under 30
        // minutes from first to last), each followed by 1..20 good points.
        fc.array(fc.tuple(fc.integer({ min: 0, max: windowPoints - 1 }), fc.integer({ min: 1, max: 20 })), {
          minLength: 1,
          maxLength: 12,
        }),
        direction,
        margin,
        fc.integer({ min: 5, max: 300 }),
        (runs, d, m, interval) => {
          const flags: boolean[] = [false];
          for (const [bad, good] of runs) {
            for (let i = 0; i < bad; i++) flags.push(true);
            for (let i = 0; i < good; i++) flags.push(false);
          }
          const points = series(flags.length, (i) => toValue(flags[i] ?? false, d, m));
          const firing = findFirstFiringTime({
            ...BASE,
            minSamples: 1,
            direction: d,
            samples: points,
            evaluationIntervalSeconds: interval,
          });
          expect(firing).toBeNull();
        },
      ),
      { numRuns: 150 },
    );
  });

  it("always fires within one interval once a sustained breach covers the window, dated to its start", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 5, max: 300 }),
        direction,
        margin,
        (lead, extra, interval, d, m) => {
          // Long enough that some tick lands inside the run with the window wholly in breach.
          const runLength = windowPoints + Math.ceil(interval / 10) + 1 + extra;
          const points = series(lead + runLength, (i) => toValue(i >= lead, d, m));
          const runStart = at(lead);
          const firing = findFirstFiringTime({
            ...BASE,
            direction: d,
            samples: points,
            evaluationIntervalSeconds: interval,
          });
          expect(firing).not.toBeNull();
          if (!firing) return;
          // The window first holds no good point once it starts after the last good one.
          const lastGood = at(lead - 1) + WINDOW_SECONDS * 1000;
          expect(firing.firedAt).toBeGreaterThan(lastGood);
          expect(firing.firedAt - lastGood).toBeLessThanOrEqual(interval * 1000);
          expect(firing.verdict.regressionStartedAt).toBe(runStart);
        },
      ),
      { numRuns: 150 },
    );
  });
});
