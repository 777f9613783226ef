import { describe, expect, it } from "vitest";
import {
  NO_PRIOR_VERSION_MESSAGE,
  abortRollback,
  applyEvent,
  beginRollback,
  checkInvariants,
  checkRollbackable,
  completeRollback,
  emptyDeployment,
  freeze,
  promote,
  registerShadow,
  toSnapshot,
  unfreeze,
  type DeploymentSnapshot,
  type LifecycleError,
  type LiveOnly,
  type LiveWithPrior,
  type Result,
} from "./lifecycle";

function unwrap<T>(result: Result<T, LifecycleError>): T {
  if (!result.ok) throw new Error(`unexpected ${result.error.code}: ${result.error.message}`);
  return result.value;
}

function errorOf<T>(result: Result<T, LifecycleError>): LifecycleError {
  if (result.ok) throw new Error("expected a refusal");
  return result.error;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const statusOf = (d: DeploymentSnapshot, version: string) => d.versions.find((v) => v.version === version)?.status;

/** v12 → v13 → v14 promoted in turn: v14 live, v13 the prior, v12 further back. */
function threeDeep() {
  const v12 = unwrap(promote(emptyDeployment(), "v12"));
  const v13 = unwrap(promote(v12, "v13"));
  return unwrap(promote(v13, "v14"));
}

describe("promote", () => {
  it("puts the first version live with no prior", () => {
    const d: LiveOnly = unwrap(promote(emptyDeployment(), "v13"));
    expect(d).toMatchObject({ state: "STABLE", live: "v13", prior: null });
    expect(statusOf(d, "v13")).toBe("LIVE");
    expect(checkInvariants(d)).toEqual([]);
  });

  it("supersedes the old live version, which becomes the prior", () => {
    const v13 = unwrap(promote(emptyDeployment(), "v13"));
    const d: LiveWithPrior = unwrap(promote(v13, "v14"));
    expect(d).toMatchObject({ state: "STABLE", live: "v14", prior: "v13" });
    expect(statusOf(d, "v13")).toBe("SUPERSEDED");
    expect(statusOf(d, "v14")).toBe("LIVE");
  });

  it("promotes a candidate that was shadowed first", () => {
    const shadowed = unwrap(registerShadow(unwrap(promote(emptyDeployment(), "v13")), "v14"));
    expect(statusOf(shadowed, "v14")).toBe("SHADOW");
    const d = unwrap(promote(shadowed, "v14"));
    expect(d.live).toBe("v14");
    expect(d.versions).toHaveLength(2);
  });

  it("refuses a moving reference", () => {
    expect(errorOf(promote(emptyDeployment(), "latest")).code).toBe("unpinned_version");
  });

  it("refuses to promote the version already live", () => {
    const d = unwrap(promote(emptyDeployment(), "v13"));
    expect(errorOf(promote(d, "v13")).code).toBe("illegal_transition");
  });

  it("requires an override to promote a version rolled back on this deployment", () => {
    const rolledBack = completeRollback(beginRollback(threeDeep()));
    expect(statusOf(rolledBack, "v14")).toBe("ROLLED_BACK");
    if (rolledBack.state !== "STABLE") throw new Error("expected STABLE");

    const refused = errorOf(promote(rolledBack, "v14"));
    expect(refused.code).toBe("override_required");

    const d = unwrap(promote(rolledBack, "v14", { override: true }));
    expect(d).toMatchObject({ live: "v14", prior: "v13" });
    expect(checkInvariants(d)).toEqual([]);
  });

  it("re-promotes an older superseded version with the old live as prior", () => {
    const d = unwrap(promote(threeDeep(), "v12"));
    expect(d).toMatchObject({ live: "v12", prior: "v14" });
    expect(checkInvariants(d)).toEqual([]);
  });
});

describe("registerShadow", () => {
  it("refuses a version already on the deployment", () => {
    const d = unwrap(promote(emptyDeployment(), "v13"));
    expect(errorOf(registerShadow(d, "v13")).code).toBe("illegal_transition");
  });

  it("refuses moving references", () => {
    expect(errorOf(registerShadow(emptyDeployment(), "@stable")).code).toBe("unpinned_version");
  });
});

describe("rollback", () => {
  it("restores the prior and marks the bad version ROLLED_BACK (the v14 → v13 example)", () => {
    const v13 = unwrap(promote(emptyDeployment(), "v13"));
    const v14 = unwrap(promote(v13, "v14"));
    const rolling = beginRollback(v14);
    expect(rolling.state).toBe("ROLLING_BACK");

    const done = completeRollback(rolling);
    expect(done).toMatchObject({ state: "STABLE", live: "v13", prior: null });
    expect(statusOf(done, "v14")).toBe("ROLLED_BACK");
    expect(statusOf(done, "v13")).toBe("LIVE");
  });

  it("walks back through history, skipping rolled-back versions", () => {
    const first = completeRollback(beginRollback(threeDeep()));
    expect(first).toMatchObject({ live: "v13", prior: "v12" });
    if (first.prior === null || first.state !== "STABLE") throw new Error("expected a prior");

    const second = completeRollback(beginRollback(first));
    expect(second).toMatchObject({ live: "v12", prior: null });
    expect(statusOf(second, "v13")).toBe("ROLLED_BACK");
    expect(statusOf(second, "v14")).toBe("ROLLED_BACK");
    expect(checkInvariants(second)).toEqual([]);
  });

  it("after an override re-promotion, the next rollback does not return to a rolled-back version", () => {
    const afterRollback = completeRollback(beginRollback(threeDeep()));
    if (afterRollback.state !== "STABLE") throw new Error("expected STABLE");
    const v15 = unwrap(promote(afterRollback, "v15"));
    const back = completeRollback(beginRollback(v15));
    expect(back).toMatchObject({ live: "v13", prior: "v12" });
  });

  it("abort returns to STABLE and changes nothing else", () => {
    const d = threeDeep();
    const aborted = abortRollback(beginRollback(d));
    expect(aborted).toEqual(d);
  });

  it("is a compile error to begin a rollback without a prior", () => {
    const liveOnly: LiveOnly = unwrap(promote(emptyDeployment(), "v13"));
    const attempt = () =>
      // @ts-expect-error a LiveOnly snapshot has no prior pinned version to roll back to
      beginRollback(liveOnly);
    const frozen = freeze(threeDeep());
    const attemptFrozen = () =>
      // @ts-expect-error a frozen deployment must be unfrozen before a rollback
      beginRollback(frozen);
    const rolling = beginRollback(threeDeep());
    const attemptTwice = () =>
      // @ts-expect-error a rollback already in flight cannot begin again
      beginRollback(rolling);
    const attemptComplete = () =>
      // @ts-expect-error only an in-flight rollback can complete
      completeRollback(threeDeep());
    expect([attempt, attemptFrozen, attemptTwice, attemptComplete]).toHaveLength(4);
  });
});

describe("checkRollbackable", () => {
  it("refuses a deployment with no prior, with the exact message", () => {
    const error = errorOf(checkRollbackable(unwrap(promote(emptyDeployment(), "v13"))));
    expect(error).toEqual({ code: "no_prior_version", message: NO_PRIOR_VERSION_MESSAGE });
    expect(error.message).toBe("no prior pinned version to roll back to");
    expect(errorOf(checkRollbackable(emptyDeployment())).code).toBe("no_prior_version");
  });

  it("refuses a frozen deployment", () => {
    expect(errorOf(checkRollbackable(freeze(threeDeep()))).code).toBe("frozen");
  });

  it("refuses while a rollback is in flight", () => {
    expect(errorOf(checkRollbackable(beginRollback(threeDeep()))).code).toBe("rollback_in_flight");
  });

  it("refuses a stored snapshot whose prior was rolled back", () => {
    const d = threeDeep();
    const corrupted: DeploymentSnapshot = {
      ...d,
      versions: d.versions.map((v) => (v.version === "v13" ? { ...v, status: "ROLLED_BACK" } : v)),
    };
    expect(errorOf(checkRollbackable(corrupted)).code).toBe("prior_rolled_back");
    const rolling: DeploymentSnapshot = { ...corrupted, state: "ROLLING_BACK" };
    expect(errorOf(applyEvent(rolling, { type: "complete_rollback" })).code).toBe("prior_rolled_back");
  });

  it("narrows to a snapshot beginRollback accepts", () => {
    const stored: DeploymentSnapshot = threeDeep();
    const checked = checkRollbackable(stored);
    if (!checked.ok) throw new Error("expected rollbackable");
    expect(beginRollback(checked.value).state).toBe("ROLLING_BACK");
  });
});

describe("freeze", () => {
  it("round-trips through unfreeze", () => {
    const d = threeDeep();
    const frozen = freeze(d);
    expect(frozen.state).toBe("FROZEN");
    expect(unfreeze(frozen)).toEqual(d);
  });
});

describe("applyEvent", () => {
  it("drives the whole incident path", () => {
    let d: DeploymentSnapshot = emptyDeployment();
    for (const event of [
      { type: "promote", version: "v13" },
      { type: "register", version: "v14" },
      { type: "promote", version: "v14" },
      { type: "begin_rollback" },
      { type: "complete_rollback" },
    ] as const) {
      d = unwrap(applyEvent(d, event));
    }
    expect(d).toMatchObject({ state: "STABLE", live: "v13", prior: null });
  });

  it.each([
    ["promote while frozen", freeze(threeDeep()), { type: "promote", version: "v15" }, "frozen"],
    ["promote mid-rollback", beginRollback(threeDeep()), { type: "promote", version: "v15" }, "rollback_in_flight"],
    ["begin twice", beginRollback(threeDeep()), { type: "begin_rollback" }, "rollback_in_flight"],
    ["begin without prior", emptyDeployment(), { type: "begin_rollback" }, "no_prior_version"],
    ["complete without begin", threeDeep(), { type: "complete_rollback" }, "illegal_transition"],
    ["abort without begin", threeDeep(), { type: "abort_rollback" }, "illegal_transition"],
    ["freeze mid-rollback", beginRollback(threeDeep()), { type: "freeze" }, "rollback_in_flight"],
    ["freeze twice", freeze(threeDeep()), { type: "freeze" }, "illegal_transition"],
    ["unfreeze when stable", threeDeep(), { type: "unfreeze" }, "illegal_transition"],
  ] as const)("refuses %s without touching the snapshot", (_name, snapshot, event, code) => {
    const before = structuredClone(snapshot);
    const frozenInput = deepFreeze(structuredClone(snapshot));
    expect(errorOf(applyEvent(frozenInput, event)).code).toBe(code);
    expect(frozenInput).toEqual(before);
  });

  it("never mutates its input on success", () => {
    const input = deepFreeze(threeDeep());
    const before = structuredClone(input);
    unwrap(applyEvent(input, { type: "begin_rollback" }));
    unwrap(applyEvent(input, { type: "promote", version: "v15" }));
    unwrap(applyEvent(input, { type: "register", version: "v16" }));
    expect(input).toEqual(before);
  });
});

describe("toSnapshot", () => {
  it("accepts consistent stored rows", () => {
    const stored = structuredClone(threeDeep());
    const result = toSnapshot(stored);
    expect(result.ok && result.value).toEqual(stored);
  });

  it("lists every violated invariant", () => {
    const result = toSnapshot({
      state: "ROLLING_BACK",
      live: "v14",
      prior: "v14",
      versions: [
        { version: "v14", status: "LIVE", changedSeq: 2 },
        { version: "v13", status: "LIVE", changedSeq: 1 },
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("inconsistent_snapshot");
    expect(result.error.violations).toEqual(
      expect.arrayContaining(["more than one version is LIVE", "the prior is the live version"]),
    );
  });

  it("refuses a rollback in flight without a prior", () => {
    const result = toSnapshot({
      state: "ROLLING_BACK",
      live: "v13",
      prior: null,
      versions: [{ version: "v13", status: "LIVE", changedSeq: 1 }],
    });
    expect(result.ok).toBe(false);
  });
});
