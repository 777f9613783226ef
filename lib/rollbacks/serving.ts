import "server-only";
import { ServingError, type ServingAdapter, type StateManifest, type TrafficWeight } from "@/lib/serving/adapter";
import { createHttpServingAdapter } from "@/lib/serving/http-adapter";
import { env } from "@/lib/env";

/** The serving plane of one deployment, from its `servingBaseUrl` and the shared secret. */
export function servingAdapterFor(baseUrl: string, overrides: { retries?: number } = {}): ServingAdapter {
  const config = env();
  return createHttpServingAdapter({
    baseUrl,
    secret: config.SERVING_SECRET,
    timeoutMs: config.SERVING_TIMEOUT_MS,
    retries: overrides.retries ?? config.SERVING_RETRIES,
    backoffBaseMs: config.SERVING_BACKOFF_MS,
  });
}

function rootCause(error: unknown): string | null {
  let current: unknown = error;
  let message: string | null = null;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    message = current.message;
    current = current.cause;
  }
  return message;
}

const attemptsText = (attempts: number) => `after ${attempts} attempt${attempts === 1 ? "" : "s"}`;

/** One line an operator can act on, e.g. `serving API unreachable after 4 attempts (connect ECONNREFUSED …)`. */
export function describeServingFailure(error: unknown): string {
  if (!(error instanceof ServingError)) return error instanceof Error ? error.message : String(error);
  switch (error.kind) {
    case "unreachable":
      return `serving API unreachable ${attemptsText(error.attempts)} (${rootCause(error.cause) ?? error.message})`;
    case "timeout":
      return `serving API did not answer in time ${attemptsText(error.attempts)} (${error.message})`;
    case "server_error":
      return `serving API failed ${attemptsText(error.attempts)} (${error.message})`;
    default:
      return `serving API refused the request (${error.message})`;
  }
}

/** The weights that put `percent` of traffic on `target` and the rest on `other`. */
export function splitWeights(target: string, other: string, percent: number): TrafficWeight[] {
  return percent >= 100 ? [{ version: target, percent: 100 }] : [{ version: target, percent }, { version: other, percent: 100 - percent }];
}

/** Whether two splits put the same share on each version (versions at 0 % carry nothing). */
export function sameSplit(a: readonly TrafficWeight[], b: readonly TrafficWeight[]): boolean {
  const shares = (weights: readonly TrafficWeight[]) =>
    new Map(weights.filter((w) => w.percent > 0).map((w) => [w.version, w.percent] as const));
  const left = shares(a);
  const right = shares(b);
  return left.size === right.size && [...left].every(([version, percent]) => right.get(version) === percent);
}

export const describeSplit = (weights: readonly TrafficWeight[]) =>
  weights.filter((w) => w.percent > 0).map((w) => `${w.version} ${w.percent}%`).join(" / ") || "no traffic";

/**
 * The registry's manifest in the Serving Control API's shape. The registry allows a textual
 * shared-context epoch and non-string extras; the wire format does not, so those travel as
 * string extras rather than being dropped.
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
