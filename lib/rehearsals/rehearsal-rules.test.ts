import { describe, expect, it } from "vitest";
import { rehearsalReadiness, type RehearsalSummary } from "./readiness";
import { rehearsalRefusal, type RehearsalPreconditions } from "./refusal";
import { describeSchedule, isRehearsalDue, nextRehearsalWindow, startOfUtcWeek } from "./schedule";

const at = (iso: string) => new Date(iso);
const run = (status: RehearsalSummary["status"], iso: string, failureReason: string | null = null): RehearsalSummary => ({
  status,
  startedAt: at(iso),
  finishedAt: status === "RUNNING" ? null : at(iso),
  failureReason,
});

describe("rehearsalReadiness", () => {
  const now = at("2026-06-20T12:00:00Z");

  it("is red with the reason when the newest decided rehearsal failed, even after older passes", () => {
    const readiness = rehearsalReadiness(
      [run("PASSED", "2026-06-09T10:00:00Z"), run("FAILED", "2026-06-16T10:00:00Z", "prior version v13 refused by the serving plane")],
      now,
    );
    expect(readiness).toMatchObject({ tone: "bad", label: "rehearsal failed", reason: "prior version v13 refused by the serving plane" });
    expect(readiness.lastPassedAt).toEqual(at("2026-06-09T10:00:00Z"));
  });

  it("turns green again once a later rehearsal passes", () => {
    expect(rehearsalReadiness([run("FAILED", "2026-06-16T10:00:00Z", "x"), run("PASSED", "2026-06-18T10:00:00Z")], now).tone).toBe("ok");
  });

  it("does not let a refusal hide a failure or a pass", () => {
    expect(rehearsalReadiness([run("FAILED", "2026-06-16T10:00:00Z", "boom"), run("REFUSED", "2026-06-18T10:00:00Z", "open detection")], now).tone).toBe("bad");
    const ok = rehearsalReadiness([run("PASSED", "2026-06-16T10:00:00Z"), run("REFUSED", "2026-06-18T10:00:00Z", "open detection")], now);
    expect(ok).toMatchObject({ tone: "ok", reason: expect.stringContaining("open detection") });
  });

  it("says never rehearsed, stale, or rehearsing when that is the truth", () => {
    expect(rehearsalReadiness([], now)).toMatchObject({ tone: "neutral", label: "never rehearsed" });
    expect(rehearsalReadiness([run("REFUSED", "2026-06-18T10:00:00Z", "frozen")], now)).toMatchObject({ tone: "warn", label: "never rehearsed" });
    expect(rehearsalReadiness([run("PASSED", "2026-06-01T10:00:00Z")], now)).toMatchObject({ tone: "warn", label: "rehearsal stale" });
    expect(rehearsalReadiness([run("PASSED", "2026-06-16T10:00:00Z"), run("RUNNING", "2026-06-20T11:59:00Z")], now).tone).toBe("info");
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
