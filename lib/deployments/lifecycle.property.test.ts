import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyEvent,
  checkInvariants,
  emptyDeployment,
  type DeploymentEvent,
  type DeploymentSnapshot,
} from "./lifecycle";

// A small version pool makes re-promotion, rolled-back versions and duplicates common;
// "latest" checks that moving references are refused anywhere in a sequence. The weights keep
// rollbacks frequent and freezes rare enough that long sequences reach deep histories.
const version = fc.constantFrom("v1", "v2", "v3", "v4", "v5", "latest");

const event: fc.Arbitrary<DeploymentEvent> = fc.oneof(
  { weight: 2, arbitrary: version.map((v) => ({ type: "register", version: v }) as const) },
  { weight: 4, arbitrary: version.map((v) => ({ type: "promote", version: v }) as const) },
  { weight: 2, arbitrary: version.map((v) => ({ type: "promote", version: v, override: true }) as const) },
  { weight: 3, arbitrary: fc.constant({ type: "begin_rollback" } as const) },
  { weight: 3, arbitrary: fc.constant({ type: "complete_rollback" } as const) },
  { weight: 1, arbitrary: fc.constant({ type: "abort_rollback" } as const) },
  { weight: 1, arbitrary: fc.constant({ type: "freeze" } as const) },
  { weight: 2, arbitrary: fc.constant({ type: "unfreeze" } as const) },
);

const events = fc.array(event, { maxLength: 80, size: "max" });

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const statusOf = (d: DeploymentSnapshot, v: string | null) => d.versions.find((x) => x.version === v)?.status;

// Stated independently of checkInvariants so the property does not only trust the checker.
function assertLegal(d: DeploymentSnapshot): void {
  const live = d.versions.filter((v) => v.status === "LIVE");
  expect(live.length).toBeLessThanOrEqual(1);
  expect(d.live).toBe(live[0]?.version ?? null);
  if (d.live !== null) expect(statusOf(d, d.live)).toBe("LIVE");
  if (d.prior !== null) {
    expect(d.prior).not.toBe(d.live);
    expect(statusOf(d, d.prior)).toBe("SUPERSEDED");
  }
  if (d.state === "ROLLING_BACK") {
    expect(d.prior).not.toBeNull();
    expect(d.live).not.toBeNull();
  }
  expect(new Set(d.versions.map((v) => v.version)).size).toBe(d.versions.length);
  expect(d.versions.some((v) => v.version === "latest")).toBe(false);
  expect(checkInvariants(d)).toEqual([]);
}

function assertStepSemantics(before: DeploymentSnapshot, e: DeploymentEvent, after: DeploymentSnapshot): void {
  switch (e.type) {
    case "complete_rollback":
      expect(after.live).toBe(before.prior);
      expect(statusOf(after, before.live)).toBe("ROLLED_BACK");
      break;
    case "abort_rollback":
      expect(after).toEqual({ ...before, state: "STABLE" });
      break;
    case "promote":
      expect(after.live).toBe(e.version);
      expect(after.prior).toBe(before.live);
      if (statusOf(before, e.version) === "ROLLED_BACK") expect(e.override).toBe(true);
      break;
    case "begin_rollback":
    case "freeze":
    case "unfreeze":
      expect({ ...after, state: before.state }).toEqual(before);
      break;
    case "register":
      expect(statusOf(after, e.version)).toBe("SHADOW");
      break;
  }
  // A rolled-back version only goes live again through an explicit override.
  for (const v of before.versions) {
    if (v.status === "ROLLED_BACK" && statusOf(after, v.version) !== "ROLLED_BACK") {
      expect(e).toMatchObject({ type: "promote", version: v.version, override: true });
    }
  }
}

describe("deployment lifecycle under random event sequences", () => {
  it("never reaches an illegal state, and refusals leave the snapshot untouched", () => {
    fc.assert(
      fc.property(events, (sequence) => {
        let d: DeploymentSnapshot = deepFreeze(emptyDeployment());
        for (const e of sequence) {
          const before = structuredClone(d);
          const result = applyEvent(d, e);
          // Frozen inputs make any mutation throw, and the comparison proves nothing moved.
          expect(d).toEqual(before);
          if (!result.ok) {
            expect(result.error.message.length).toBeGreaterThan(0);
            continue;
          }
          assertLegal(result.value);
          assertStepSemantics(before, e, result.value);
          d = deepFreeze(result.value);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("can always reach a rollback after two promotions of distinct versions from STABLE", () => {
    fc.assert(
      fc.property(events, (sequence) => {
        let d: DeploymentSnapshot = emptyDeployment();
        for (const e of sequence) {
          const result = applyEvent(d, e);
          if (result.ok) d = result.value;
        }
        if (d.state !== "STABLE") return;
        const fresh = ["v6", "v7"].reduce<DeploymentSnapshot>((acc, v) => {
          const r = applyEvent(acc, { type: "promote", version: v });
          if (!r.ok) throw new Error(r.error.message);
          return r.value;
        }, d);
        const begun = applyEvent(fresh, { type: "begin_rollback" });
        expect(begun.ok).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
