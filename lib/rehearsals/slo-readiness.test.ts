import { describe, expect, it } from "vitest";
import type { Readiness } from "./readiness";
import { withRollbackSlo } from "./slo-readiness";

const ready: Readiness = { tone: "ok", label: "ready", reason: "the last rehearsal passed", lastPassedAt: new Date("2026-11-30T10:00:00Z"), lastOtherPair: null };

describe("readiness against the rollback SLO", () => {
  it("turns red with the reason when the last rehearsal took longer than the target", () => {
    const verdict = withRollbackSlo(ready, 120, { status: "PASSED", backLegMs: 130_000 });
    expect(verdict).toMatchObject({ tone: "bad", label: "over SLO", reason: "the last rehearsal rolled back in 2m 10s, over the 2m rollback SLO" });
  });

  it("turns amber above 80 % of the target, and stays ready at or below it", () => {
    expect(withRollbackSlo(ready, 100, { status: "PASSED", backLegMs: 81_000 })).toMatchObject({ tone: "warn", label: "near SLO", reason: expect.stringContaining("81 % of the 1m 40s rollback SLO") });
    expect(withRollbackSlo(ready, 100, { status: "PASSED", backLegMs: 80_000 })).toMatchObject({ tone: "ok", label: "ready", reason: expect.stringContaining("80 % of the 1m 40s") });
  });

  it("leaves a failed rehearsal red, and changes nothing without a target or a timing", () => {
    const failed: Readiness = { ...ready, tone: "bad", label: "rehearsal failed", reason: "verify: refused" };
    expect(withRollbackSlo(failed, 60, { status: "FAILED", backLegMs: 500_000 })).toMatchObject({ tone: "bad", reason: "verify: refused" });
    expect(withRollbackSlo(ready, null, { status: "PASSED", backLegMs: 500_000 })).toMatchObject({ tone: "ok", slo: null });
    expect(withRollbackSlo(ready, 60, null)).toMatchObject({ tone: "ok", slo: null });
  });
});
