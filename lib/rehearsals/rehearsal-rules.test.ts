import { describe, expect, it } from "vitest";
import { rehearsalReadiness, type RehearsalSummary } from "./readiness";
import { rehearsalRefusal, type RehearsalPreconditions } from "./refusal";
import { describeSchedule, isRehearsalDue, nextRehearsalWindow, startOfUtcWeek } from "./schedule";

const at = (iso: string) => new Date(iso);
const today = { live: "v13", prior: "v11" };
const current = { ...today, since: at("2026-05-01T00:00:00Z") };
const run = (status: RehearsalSummary["status"], iso: string, failureReason: string | null = null, pair = today): RehearsalSummary => ({
  status,
  startedAt: at(iso),
  finishedAt: status === "RUNNING" ? null : at(iso),
  failureReason,
  pair,
});

describe("rehearsalReadiness", () => {
  const now = at("2026-06-20T12:00:00Z");

  it("is red with the reason when the newest decided rehearsal failed, even after older passes", () => {
    const readiness = rehearsalReadiness(
      [run("PASSED", "2026-06-09T10:00:00Z"), run("FAILED", "2026-06-16T10:00:00Z", "prior version v13 refused by the serving plane")],
      now,
      current,
    );
    expect(readiness).toMatchObject({ tone: "bad", label: "rehearsal failed", reason: "prior version v13 refused by the serving plane" });
    expect(readiness.lastPassedAt).toEqual(at("2026-06-09T10:00:00Z"));
  });

  it("turns green again once a later rehearsal passes", () => {
    expect(rehearsalReadiness([run("FAILED", "2026-06-16T10:00:00Z", "x"), run("PASSED", "2026-06-18T10:00:00Z")], now, current).tone).toBe("ok");
  });

  it("does not let a refusal hide a failure or a pass", () => {
    expect(rehearsalReadiness([run("FAILED", "2026-06-16T10:00:00Z", "boom"), run("REFUSED", "2026-06-18T10:00:00Z", "open detection")], now, current).tone).toBe("bad");
    const ok = rehearsalReadiness([run("PASSED", "2026-06-16T10:00:00Z"), run("REFUSED", "2026-06-18T10:00:00Z", "open detection")], now, current);
    expect(ok).toMatchObject({ tone: "ok", reason: expect.stringContaining("open detection") });
  });

  it("counts a rehearsal of another pair as not rehearsed for today's, and says which pair it covered", () => {
    // v14 → v13 passed six days ago; v14 was then rolled back, so v13 is live again with v11 as its prior.
    const readiness = rehearsalReadiness([run("PASSED", "2026-06-14T10:00:00Z", null, { live: "v14", prior: "v13" })], now, { ...today, since: at("2026-06-17T09:00:00Z") });
    expect(readiness).toMatchObject({
      tone: "warn",
      label: "not rehearsed",
      reason: "v13 → v11 has not been rehearsed; the last rehearsal passed on v14 → v13",
      lastPassedAt: null,
      lastOtherPair: { pair: "v14 → v13", status: "PASSED", at: at("2026-06-14T10:00:00Z") },
    });
  });

  it("does not count a pass of the same pair from before today's live version went live again", () => {
    const readiness = rehearsalReadiness([run("PASSED", "2026-06-10T10:00:00Z"), run("PASSED", "2026-06-14T10:00:00Z", null, { live: "v14", prior: "v13" })], now, { ...today, since: at("2026-06-17T09:00:00Z") });
    expect(readiness).toMatchObject({ label: "not rehearsed", lastPassedAt: null });
    const after = rehearsalReadiness([run("PASSED", "2026-06-18T10:00:00Z"), run("PASSED", "2026-06-14T10:00:00Z", null, { live: "v14", prior: "v13" })], now, { ...today, since: at("2026-06-17T09:00:00Z") });
    expect(after).toMatchObject({ tone: "ok", label: "ready", lastPassedAt: at("2026-06-18T10:00:00Z"), lastOtherPair: null });
  });

  it("says never rehearsed, stale, or rehearsing when that is the truth", () => {
    expect(rehearsalReadiness([], now, current)).toMatchObject({ tone: "neutral", label: "never rehearsed" });
    expect(rehearsalReadiness([run("REFUSED", "2026-06-18T10:00:00Z", "frozen")], now, current)).toMatchObject({ tone: "warn", label: "never rehearsed" });
    expect(rehearsalReadiness([run("PASSED", "2026-06-01T10:00:00Z")], now, current)).toMatchObject({ tone: "warn", label: "rehearsal stale" });
    expect(rehearsalReadiness([run("PASSED", "2026-06-16T10:00:00Z"), run("RUNNING", "2026-06-20T11:59:00Z")], now, current).tone).toBe("info");
  });
});

describe("rehearsal schedule", () => {
  const tuesdayTen = { enabled: true, weekday: 2, hourUtc: 10 };

  it("weeks start Monday 00:00 UTC", () => {
    expect(startOfUtcWeek(at("2026-06-21T23:00:00Z")).toISOString()).toBe("2026-06-15T00:00:00.000Z");
  });

  it("is due only inside the UTC window, once per week, and never when disabled", () => {
    // 2026-06-16 is a Tuesday.
    expect(isRehearsalDue(tuesdayTen, at("2026-06-16T10:05:00Z"), null)).toBe(true);
    expect(isRehearsalDue(tuesdayTen, at("2026-06-16T10:05:00Z"), at("2026-06-09T10:00:00Z"))).toBe(true);
    expect(isRehearsalDue(tuesdayTen, at("2026-06-16T10:55:00Z"), at("2026-06-16T10:05:00Z"))).toBe(false);
    expect(isRehearsalDue(tuesdayTen, at("2026-06-16T10:05:00Z"), at("2026-06-15T08:00:00Z"))).toBe(false);
    expect(isRehearsalDue(tuesdayTen, at("2026-06-16T11:00:00Z"), null)).toBe(false);
    expect(isRehearsalDue(tuesdayTen, at("2026-06-17T10:05:00Z"), null)).toBe(false);
    expect(isRehearsalDue({ ...tuesdayTen, enabled: false }, at("2026-06-16T10:05:00Z"), null)).toBe(false);
  });

  it("finds the next window, counting today's while it is open", () => {
    expect(nextRehearsalWindow(tuesdayTen, at("2026-06-15T12:00:00Z"))?.toISOString()).toBe("2026-06-16T10:00:00.000Z");
    expect(nextRehearsalWindow(tuesdayTen, at("2026-06-16T10:30:00Z"))?.toISOString()).toBe("2026-06-16T10:00:00.000Z");
    expect(nextRehearsalWindow(tuesdayTen, at("2026-06-16T11:00:00Z"))?.toISOString()).toBe("2026-06-23T10:00:00.000Z");
    expect(nextRehearsalWindow({ ...tuesdayTen, enabled: false }, at("2026-06-16T11:00:00Z"))).toBeNull();
    expect(describeSchedule(tuesdayTen)).toBe("Tuesdays 10:00–11:00 UTC");
  });
});

describe("rehearsalRefusal", () => {
  const calm: RehearsalPreconditions = {
    liveVersion: "v14",
    priorVersion: "v13",
    state: "STABLE",
    openDetection: null,
    inFlightRollback: null,
    runningRehearsal: null,
    breachedPolicy: null,
  };

  it("lets a calm deployment rehearse", () => {
    expect(rehearsalRefusal(calm)).toBeNull();
  });

  it.each([
    [{ openDetection: { metric: "canary_accuracy" } }, "open detection: canary_accuracy is below its floor on v14"],
    [{ inFlightRollback: { id: "op1", status: "AWAITING_APPROVAL", kind: "INCIDENT" } }, "a rollback is in flight (op1, AWAITING_APPROVAL)"],
    [{ breachedPolicy: { metric: "canary_accuracy" } }, "the canary is below its floor"],
    [{ runningRehearsal: { id: "r1" } }, "already running"],
    [{ state: "FROZEN" as const }, "frozen"],
    [{ priorVersion: null }, "no prior pinned version"],
  ])("refuses %o", (change, reason) => {
    expect(rehearsalRefusal({ ...calm, ...change })).toContain(reason);
  });
});
