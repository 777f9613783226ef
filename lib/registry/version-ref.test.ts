import { describe, expect, it } from "vitest";
import {
  DIGEST_MESSAGE,
  PINNED_VERSION_MESSAGE,
  artifactDigest,
  deploymentSlug,
  diffManifests,
  isPinnedVersionId,
  modelSlug,
  offlineScores,
  pinnedVersionId,
  stateManifest,
  type StateManifest,
} from "./version-ref";

const digest = (char: string) => `sha256:${char.repeat(64)}`;

describe("pinnedVersionId", () => {
  it.each(["v13", "v2.1.0", "2026-06-15.1", "7", "model_v3-rc1", "a".repeat(63) + "1"])(
    "accepts the pinned id %s",
    (id) => {
      expect(pinnedVersionId.safeParse(id).success).toBe(true);
    },
  );

  it.each([
    "latest",
    "LATEST",
    "stable",
    "current",
    "head",
    "prod",
    "production",
    "champion",
    "latest-1",
    "Head.2",
    "@latest",
    "@v13",
    "",
    " ",
    " v13",
    "v13 ",
    "v 13",
    "-v13",
    ".v13",
    "_v13",
    "vnext",
    "v13/latest",
    "v13:latest",
    "a".repeat(64) + "1",
  ])("refuses %j with the pinning message", (id) => {
    const result = pinnedVersionId.safeParse(id);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(PINNED_VERSION_MESSAGE);
  });

  it("refuses non-strings", () => {
    expect(pinnedVersionId.safeParse(13).success).toBe(false);
  });

  it("keeps 64 characters as the upper bound", () => {
    expect(isPinnedVersionId("1".repeat(64))).toBe(true);
    expect(isPinnedVersionId("1".repeat(65))).toBe(false);
  });

  it("does not mistake ids that merely contain a moving word for moving references", () => {
    expect(isPinnedVersionId("prod-v13")).toBe(true);
    expect(isPinnedVersionId("stable2026.06")).toBe(true);
  });
});

describe("artifactDigest", () => {
  it("accepts sha256 with 64 lowercase hex", () => {
    expect(artifactDigest.safeParse(digest("a")).success).toBe(true);
  });

  it.each([digest("A"), `sha256:${"a".repeat(63)}`, `sha512:${"a".repeat(64)}`, "a".repeat(64), ""])(
    "refuses %j naming the expected form",
    (value) => {
      const result = artifactDigest.safeParse(value);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toBe(DIGEST_MESSAGE);
      expect(DIGEST_MESSAGE).toContain("sha256:");
    },
  );
});

describe("stateManifest", () => {
  it("accepts the full manifest", () => {
    const manifest = {
      weightsDigest: digest("a"),
      promptTemplate: "routing-v7",
      vectorIndexSnapshot: "idx-2026-06-01",
      agentMemoryCheckpoint: "mem-42",
      sharedContextEpoch: 12,
      extras: { tokenizer: "bpe-3", temperature: 0.2, guardrails: true },
    };
    expect(stateManifest.parse(manifest)).toEqual(manifest);
  });

  it("requires weightsDigest in sha256 form", () => {
    expect(stateManifest.safeParse({}).success).toBe(false);
    expect(stateManifest.safeParse({ weightsDigest: "abc" }).success).toBe(false);
  });

  it("refuses unknown keys", () => {
    const result = stateManifest.safeParse({ weightsDigest: digest("a"), vectorIndex: "idx" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe("unrecognized_keys");
  });

  it("takes the shared context epoch as a string or a non-negative integer", () => {
    const withEpoch = (sharedContextEpoch: unknown) =>
      stateManifest.safeParse({ weightsDigest: digest("a"), sharedContextEpoch }).success;
    expect(withEpoch("epoch-7")).toBe(true);
    expect(withEpoch(0)).toBe(true);
    expect(withEpoch(-1)).toBe(false);
    expect(withEpoch(1.5)).toBe(false);
    expect(withEpoch("")).toBe(false);
  });

  it("refuses extras that are not scalars", () => {
    expect(stateManifest.safeParse({ weightsDigest: digest("a"), extras: { nested: { a: 1 } } }).success).toBe(
      false,
    );
  });

  it("refuses blank optional references", () => {
    expect(stateManifest.safeParse({ weightsDigest: digest("a"), promptTemplate: "  " }).success).toBe(false);
  });
});

describe("offlineScores", () => {
  it("accepts finite scores", () => {
    expect(offlineScores.safeParse({ accuracy: 0.92, "regression-set": 0.88 }).success).toBe(true);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])("refuses %s", (value) => {
    expect(offlineScores.safeParse({ accuracy: value }).success).toBe(false);
  });

  it("allows at most 50 entries", () => {
    const scores = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`s${i}`, i]));
    expect(offlineScores.safeParse(scores(50)).success).toBe(true);
    expect(offlineScores.safeParse(scores(51)).success).toBe(false);
  });
});

describe("slugs", () => {
  it.each(["support-router", "ab", "m1", "a".repeat(63)])("accepts %s", (slug) => {
    expect(modelSlug.safeParse(slug).success).toBe(true);
    expect(deploymentSlug.safeParse(slug).success).toBe(true);
  });

  it.each(["a", "a".repeat(64), "Support", "-router", "router-", "support_router", "sup port", ""])(
    "refuses %j",
    (slug) => {
      expect(modelSlug.safeParse(slug).success).toBe(false);
      expect(deploymentSlug.safeParse(slug).success).toBe(false);
    },
  );
});

describe("diffManifests", () => {
  const v13: StateManifest = {
    weightsDigest: digest("1"),
    promptTemplate: "p1",
    vectorIndexSnapshot: "idx-13",
    agentMemoryCheckpoint: "mem-13",
    sharedContextEpoch: 13,
    extras: { tokenizer: "bpe" },
  };

  it("reports nothing for identical manifests", () => {
    const diff = diffManifests(v13, { ...v13, extras: { tokenizer: "bpe" } });
    expect(diff.changed).toEqual([]);
    expect(diff.splitBrainRisk).toBe(false);
  });

  it("reports every category that moves together, with no split-brain", () => {
    const v14: StateManifest = {
      weightsDigest: digest("2"),
      promptTemplate: "p2",
      vectorIndexSnapshot: "idx-14",
      agentMemoryCheckpoint: "mem-14",
      sharedContextEpoch: "14",
      extras: { tokenizer: "bpe", beam: 4 },
    };
    const diff = diffManifests(v14, v13);
    expect(diff.changed).toEqual(["weights", "prompt", "vectorIndex", "agentMemory", "sharedContext", "extras"]);
    expect(diff.differs.weights).toBe(true);
    expect(diff.splitBrainRisk).toBe(false);
  });

  it("flags weights moving while the vector index stays", () => {
    const diff = diffManifests({ ...v13, weightsDigest: digest("2"), agentMemoryCheckpoint: "mem-14" }, v13);
    expect(diff.splitBrainRisk).toBe(true);
    expect(diff.splitBrainCategories).toEqual(["vectorIndex"]);
  });

  it("flags weights moving while agent memory stays", () => {
    const diff = diffManifests({ ...v13, weightsDigest: digest("2"), vectorIndexSnapshot: "idx-14" }, v13);
    expect(diff.splitBrainCategories).toEqual(["agentMemory"]);
  });

  it("flags a target that cannot restore the index the current version carries", () => {
    const withoutIndex: StateManifest = { ...v13, vectorIndexSnapshot: undefined };
    const diff = diffManifests({ ...v13, weightsDigest: digest("2"), agentMemoryCheckpoint: "m" }, withoutIndex);
    expect(diff.differs.vectorIndex).toBe(true);
    expect(diff.splitBrainCategories).toEqual(["vectorIndex"]);
  });

  it("does not flag state neither version has", () => {
    const diff = diffManifests({ weightsDigest: digest("2") }, { weightsDigest: digest("1") });
    expect(diff.changed).toEqual(["weights"]);
    expect(diff.splitBrainRisk).toBe(false);
  });

  it("does not flag index or memory staying when the weights stay too", () => {
    const diff = diffManifests({ ...v13, promptTemplate: "p2" }, v13);
    expect(diff.changed).toEqual(["prompt"]);
    expect(diff.splitBrainRisk).toBe(false);
  });
});
