import { describe, expect, it } from "vitest";
import { deploymentHealth, type HealthInput } from "./health";

const calm: HealthInput = {
  state: "STABLE",
  liveVersion: "v14",
  priorVersion: "v13",
  openDetection: null,
  pendingRollback: null,
  lastRehearsal: { status: "PASSED" },
  silentCanary: null,
};

const silent = { metric: "canary_accuracy", verdict: "no_data" as const, since: "2026-06-17T14:03:00.000Z", reason: "0 points in the window; at least 120 needed" };

describe("deploymentHealth", () => {
  it("is healthy with a live version, a prior to restore and a passing rehearsal", () => {
    expect(deploymentHealth(calm)).toEqual({ tone: "ok", label: "healthy", reason: "v14 live, v13 ready to restore", since: null });
  });

  it("puts an open regression above everything else", () => {
    const health = deploymentHealth({ ...calm, state: "ROLLING_BACK", openDetection: { metric: "canary_accuracy", version: "v14" } });
    expect(health).toMatchObject({ tone: "bad", label: "regression" });
    expect(health.reason).toContain("canary_accuracy");
  });

  it("reports a rollback in flight, then one that is only requested", () => {
    expect(deploymentHealth({ ...calm, state: "ROLLING_BACK" }).label).toBe("rolling back");
    expect(deploymentHealth({ ...calm, pendingRollback: { toVersion: "v13", status: "AWAITING_APPROVAL" } }).reason).toBe(
      "a rollback to v13 is awaiting approval",
    );
  });

  it("warns when there is nothing to roll back to", () => {
    expect(deploymentHealth({ ...calm, priorVersion: null })).toMatchObject({ tone: "warn", reason: "no prior pinned version to roll back to" });
  });

  it("is neutral before anything is promoted, and warns when frozen or a rehearsal failed", () => {
    expect(deploymentHealth({ ...calm, liveVersion: null, priorVersion: null }).tone).toBe("neutral");
    expect(deploymentHealth({ ...calm, state: "FROZEN" }).label).toBe("frozen");
    expect(deploymentHealth({ ...calm, lastRehearsal: { status: "REFUSED" } }).label).toBe("rehearsal failed");
  });

  it("says a silent canary is not reporting, with since when, never healthy", () => {
    expect(deploymentHealth({ ...calm, silentCanary: silent })).toEqual({
      tone: "bad",
      label: "canary not reporting",
      reason: "no verdict on canary_accuracy for v14: 0 points in the window; at least 120 needed",
      since: "2026-06-17T14:03:00.000Z",
    });
  });

  it("treats an evaluation error like silence", () => {
    const health = deploymentHealth({ ...calm, silentCanary: { ...silent, verdict: "error", reason: "prometheus answered 503" } });
    expect(health).toMatchObject({ tone: "bad", label: "canary not reporting", since: silent.since });
    expect(health.reason).toBe("evaluating canary_accuracy for v14 failed: prometheus answered 503");
  });

  it("still puts a regression or a rollback under way above a silent canary", () => {
    expect(deploymentHealth({ ...calm, silentCanary: silent, openDetection: { metric: "canary_accuracy", version: "v14" } }).label).toBe("regression");
    expect(deploymentHealth({ ...calm, silentCanary: silent, state: "ROLLING_BACK" }).label).toBe("rolling back");
  });
});
