import type { StateManifest } from "./port";

/**
 * The registry's manifest in the serving port's shape. The registry allows a textual
 * shared-context epoch and non-string extras; the port does not, so those travel as string
 * extras rather than being dropped.
 */
export function toServingManifest(raw: unknown): StateManifest | null {
  if (typeof raw !== "object" || raw === null) return null;
  const manifest = raw as Record<string, unknown>;
  if (typeof manifest.weightsDigest !== "string" || manifest.weightsDigest === "") return null;
  const extras: Record<string, string> = {};
  if (typeof manifest.extras === "object" && manifest.extras !== null) {
    for (const [key, value] of Object.entries(manifest.extras)) extras[key] = String(value);
  }
  const out: StateManifest = { weightsDigest: manifest.weightsDigest };
  if (typeof manifest.promptTemplate === "string") out.promptTemplate = manifest.promptTemplate;
  if (typeof manifest.vectorIndexSnapshot === "string") out.vectorIndexSnapshot = manifest.vectorIndexSnapshot;
  if (typeof manifest.agentMemoryCheckpoint === "string") out.agentMemoryCheckpoint = manifest.agentMemoryCheckpoint;
  const epoch = manifest.sharedContextEpoch;
  if (typeof epoch === "number" && Number.isInteger(epoch) && epoch >= 0) out.sharedContextEpoch = epoch;
  else if (typeof epoch === "string" && /^\d+$/.test(epoch)) out.sharedContextEpoch = Number(epoch);
  else if (typeof epoch === "string") extras.sharedContextEpoch = epoch;
  if (Object.keys(extras).length > 0) out.extras = extras;
  return out;
}

/** Whether the serving plane's manifest for a version is the one the registry holds. */
export function sameManifest(served: StateManifest | null | undefined, wanted: StateManifest): boolean {
  if (!served) return false;
  const keys: (keyof StateManifest)[] = ["weightsDigest", "promptTemplate", "vectorIndexSnapshot", "agentMemoryCheckpoint", "sharedContextEpoch"];
  if (keys.some((key) => served[key] !== wanted[key])) return false;
  const a = served.extras ?? {};
  const b = wanted.extras ?? {};
  return Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v);
}
