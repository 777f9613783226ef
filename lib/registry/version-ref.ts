import { z } from "zod";

// A rollback needs a precise target. A moving pointer ("latest") names no version, so the
// operator has nothing to roll back to; every live reference is therefore an explicit pinned id.

export const PINNED_VERSION_MESSAGE =
  'pin an explicit version id such as v13; moving references like "latest" are refused';

export const MOVING_REFERENCES = [
  "latest",
  "stable",
  "current",
  "head",
  "prod",
  "production",
  "champion",
] as const;

const PINNED_SHAPE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// An offset from a moving pointer ("latest-1", "head.2") still moves when the pointer does.
const MOVING_WITH_OFFSET = new RegExp(`^(?:${MOVING_REFERENCES.join("|")})(?:[-._]\\d+)?$`, "i");

export function isPinnedVersionId(value: string): boolean {
  return PINNED_SHAPE.test(value) && /\d/.test(value) && !MOVING_WITH_OFFSET.test(value);
}

// `@` is refused by the character class already; the shape check covers empty, whitespace
// and over-long values too, so one refinement carries the single message operators see.
export const pinnedVersionId = z.string().refine(isPinnedVersionId, { error: PINNED_VERSION_MESSAGE });
export type PinnedVersionId = z.infer<typeof pinnedVersionId>;

const SHA256_FORM = /^sha256:[0-9a-f]{64}$/;
export const DIGEST_MESSAGE = 'expected a digest of the form "sha256:" followed by 64 lowercase hex characters';

export const artifactDigest = z.string().regex(SHA256_FORM, { error: DIGEST_MESSAGE });
export type ArtifactDigest = z.infer<typeof artifactDigest>;

const nonEmptyRef = z.string().regex(/\S/, { error: "must not be blank when given" });

// Everything a version's behaviour depends on. Restoring only the weights while the vector
// index or agent memory stays on the bad version's state is the split-brain rollback.
export const stateManifest = z.strictObject({
  weightsDigest: artifactDigest,
  promptTemplate: nonEmptyRef.optional(),
  vectorIndexSnapshot: nonEmptyRef.optional(),
  agentMemoryCheckpoint: nonEmptyRef.optional(),
  sharedContextEpoch: z.union([nonEmptyRef, z.number().int().nonnegative()]).optional(),
  extras: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type StateManifest = z.infer<typeof stateManifest>;

export const MAX_OFFLINE_SCORES = 50;

// zod 4 numbers refuse NaN and ±Infinity, so every accepted score is finite.
export const offlineScores = z
  .record(z.string().regex(/\S/).max(100), z.number())
  .refine((scores) => Object.keys(scores).length <= MAX_OFFLINE_SCORES, {
    error: `at most ${MAX_OFFLINE_SCORES} offline scores per version`,
  });
export type OfflineScores = z.infer<typeof offlineScores>;

const SLUG_SHAPE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const slug = z
  .string()
  .min(2, { error: "must be at least 2 characters" })
  .max(63, { error: "must be at most 63 characters" })
  .regex(SLUG_SHAPE, {
    error: "use lowercase letters, digits and inner hyphens (for example support-router)",
  });

export const modelSlug = slug;
export const deploymentSlug = slug;

export const STATE_CATEGORIES = [
  "weights",
  "prompt",
  "vectorIndex",
  "agentMemory",
  "sharedContext",
  "extras",
] as const;
export type StateCategory = (typeof STATE_CATEGORIES)[number];

export interface ManifestDiff {
  readonly differs: Readonly<Record<StateCategory, boolean>>;
  readonly changed: readonly StateCategory[];
  /** The categories that would stay on `from`'s state while the weights move. */
  readonly splitBrainCategories: readonly ("vectorIndex" | "agentMemory")[];
  readonly splitBrainRisk: boolean;
}

function sameExtras(a: StateManifest["extras"], b: StateManifest["extras"]): boolean {
  const left = a ?? {};
  const right = b ?? {};
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) {
    if (!Object.is(left[key], right[key])) return false;
  }
  return true;
}

/**
 * Compares the state a rollback would leave (`from`, the current live version) with the state
 * it restores (`to`, the target). Weights that move while the vector index or agent memory
 * stays put is flagged for an operator to confirm, even when the two versions really do share
 * that state. A category the target does not declare cannot be restored, so if `from` carries
 * it the old state stays behind: that counts as staying put, not as a move.
 */
export function diffManifests(from: StateManifest, to: StateManifest): ManifestDiff {
  const differs: Record<StateCategory, boolean> = {
    weights: from.weightsDigest !== to.weightsDigest,
    prompt: from.promptTemplate !== to.promptTemplate,
    vectorIndex: from.vectorIndexSnapshot !== to.vectorIndexSnapshot,
    agentMemory: from.agentMemoryCheckpoint !== to.agentMemoryCheckpoint,
    sharedContext: from.sharedContextEpoch !== to.sharedContextEpoch,
    extras: !sameExtras(from.extras, to.extras),
  };

  const staysBehind = (current: string | undefined, target: string | undefined): boolean =>
    current !== undefined && (target === undefined || target === current);

  const splitBrainCategories: ("vectorIndex" | "agentMemory")[] = [];
  if (differs.weights) {
    if (staysBehind(from.vectorIndexSnapshot, to.vectorIndexSnapshot)) {
      splitBrainCategories.push("vectorIndex");
    }
    if (staysBehind(from.agentMemoryCheckpoint, to.agentMemoryCheckpoint)) {
      splitBrainCategories.push("agentMemory");
    }
  }

  return {
    differs,
    changed: STATE_CATEGORIES.filter((category) => differs[category]),
    splitBrainCategories,
    splitBrainRisk: splitBrainCategories.length > 0,
  };
}
