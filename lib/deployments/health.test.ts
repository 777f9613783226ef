import { describe, expect, it } from "vitest";
import { deploymentHealth, type HealthInput } from "./health";

const calm: HealthInput = {
  state: "STABLE",
  liveVersion: "v14",
  priorVersion: "v13",
  openDetection: null,
  pendingRollback: null,
  lastRehearsal: { status: "PASSED" },
};

describe("deploymentHealth", () => {
  it("is healthy with a live version, a prior to restore and a passing rehearsal", () => {
    expect(deploymentHealth(calm)).toEqual({ tone: "ok", label: "healthy", reason: "v14 live, v13 ready to restore" });
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
});
