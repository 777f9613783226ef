// The serving port: the seam between Reversegate and a serving plane. Everything the rollback
// machinery needs from serving goes through `ServingAdapter`; this module is types and typed
// errors only, so any backend (lib/serving/backends/<kind>/) can stand behind it.
import type { ServingCapabilities } from "./capabilities";
import type { DegradationLevel, DegradationLevelInfo, DegradationStatus } from "./degradation";

export type Stickiness = "none" | "session";

export interface TrafficWeight {
  version: string;
  /** Whole percent, 0–100; the weights of one deployment sum to 100. */
  percent: number;
}

/** Everything besides the weights that a version needs to behave as it did when it was live. */
export interface StateManifest {
  weightsDigest: string;
  promptTemplate?: string;
  vectorIndexSnapshot?: string;
  agentMemoryCheckpoint?: string;
  sharedContextEpoch?: number;
  extras?: Record<string, string>;
}

export interface VersionedManifest extends StateManifest {
  version: string;
}

export interface ConsumerStatus {
  id: string;
  /** The deployment revision this consumer last confirmed it had re-read its state against. */
  acknowledgedRevision: number;
  lastAckAt: string | null;
}

export interface DeploymentStatus {
  deployment: string;
  pinnedVersion: string;
  traffic: TrafficWeight[];
  stickiness: Stickiness;
  ready: boolean;
  /** Increments on every change; pass it back as `expectedRevision` for compare-and-set. */
  revision: number;
  manifest: VersionedManifest | null;
  consumers: ConsumerStatus[];
  /** The level it is served at; absent from a plane that cannot degrade (read as normal). */
  degradation?: DegradationStatus;
}

export interface PinVersionInput {
  version: string;
  /** 0 means "only if the deployment does not exist yet". */
  expectedRevision?: number;
}

export interface SetTrafficInput {
  weights: TrafficWeight[];
  stickiness?: Stickiness;
  expectedRevision: number;
}

export interface RestoreManifestInput {
  version: string;
  manifest: StateManifest;
}

export interface InvalidateConsumersInput {
  reason: string;
  version: string;
}

export interface InvalidationReceipt {
  invalidationId: string;
  consumers: string[];
}

export interface InvalidationStatus {
  id: string;
  version: string;
  reason: string;
  createdAt: string;
  acknowledged: string[];
  pending: string[];
  /** When each consumer acknowledged (ISO), where the plane records it: the consensus latency. */
  acknowledgements?: { consumer: string; at: string }[];
}

export interface SetDegradationInput {
  level: DegradationLevel;
  reason: string;
}

/** The state artifacts of a manifest a preflight checks: each answers, or does not. */
export type PreflightArtifact = "vectorIndexSnapshot" | "agentMemoryCheckpoint";

export interface ManifestPreflightInput {
  version: string;
  manifest: StateManifest;
}

export interface ManifestPreflightResult {
  version: string;
  checkedAt: string;
  artifacts: { artifact: PreflightArtifact; ref: string; reachable: boolean; latencyMs: number; detail?: string }[];
}

export interface ServingHealth {
  status: "ok";
  capabilities: ServingCapabilities;
  /** The degraded levels the plane offers and what each means there; absent when it cannot degrade. */
  degradationLevels?: DegradationLevelInfo[];
}

export interface ServingAdapter {
  /** What this backend can do, as it declared it; steps needing a missing one are skipped. */
  readonly capabilities: ServingCapabilities;
  checkHealth(): Promise<ServingHealth>;
  getStatus(deployment: string): Promise<DeploymentStatus>;
  pinVersion(deployment: string, input: PinVersionInput): Promise<DeploymentStatus>;
  setTraffic(deployment: string, input: SetTrafficInput): Promise<DeploymentStatus>;
  restoreManifest(deployment: string, input: RestoreManifestInput): Promise<DeploymentStatus>;
  invalidateConsumers(
    deployment: string,
    input: InvalidateConsumersInput,
  ): Promise<InvalidationReceipt>;
  getInvalidation(deployment: string, invalidationId: string): Promise<InvalidationStatus>;
  /** Present when `capabilities.degradation`: serve the deployment at `level` (idempotent). */
  setDegradation?(deployment: string, input: SetDegradationInput): Promise<DeploymentStatus>;
  /** Present when `capabilities.manifestPreflight`: whether the manifest's state artifacts answer, changing nothing. */
  preflightManifest?(deployment: string, input: ManifestPreflightInput): Promise<ManifestPreflightResult>;
}

export type ServingErrorKind =
  | "unreachable"
  | "timeout"
  | "stale_revision"
  | "rejected"
  | "not_found"
  | "unauthorized"
  | "server_error"
  /** The backend's configuration cannot work (e.g. its secret's environment variable is unset). */
  | "misconfigured";

/** Whether a failure of this kind can go away by sending the same request again. */
export function isRetryableKind(kind: ServingErrorKind): boolean {
  return kind === "unreachable" || kind === "timeout" || kind === "server_error";
}

export interface ServingErrorOptions {
  /** Defaults to `isRetryableKind(kind)`; a malformed 2xx answer is a server error no retry fixes. */
  retryable?: boolean;
  status?: number;
  /** The serving plane's machine-readable `error` field, when it answered with one. */
  code?: string;
  /** Set for `stale_revision`: the revision to re-read from before trying again. */
  currentRevision?: number;
  /** How many requests were sent before giving up. */
  attempts?: number;
  cause?: unknown;
}

export class ServingError extends Error {
  readonly kind: ServingErrorKind;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly currentRevision: number | undefined;
  readonly attempts: number;

  constructor(kind: ServingErrorKind, message: string, options: ServingErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ServingError";
    this.kind = kind;
    this.retryable = options.retryable ?? isRetryableKind(kind);
    this.status = options.status;
    this.code = options.code;
    this.currentRevision = options.currentRevision;
    this.attempts = options.attempts ?? 1;
  }
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
    case "misconfigured":
      return `serving backend misconfigured (${error.message})`;
    default:
      return `serving API refused the request (${error.message})`;
  }
}

/**
 * An adapter for a backend whose configuration cannot work: every call fails with `reason`, so a
 * rollback fails at preflight naming the problem instead of the worker crashing on it.
 */
export function misconfiguredAdapter(capabilities: ServingCapabilities, reason: string): ServingAdapter {
  const refuse = () => Promise.reject(new ServingError("misconfigured", reason));
  return {
    capabilities,
    checkHealth: refuse,
    getStatus: refuse,
    pinVersion: refuse,
    setTraffic: refuse,
    restoreManifest: refuse,
    invalidateConsumers: refuse,
    getInvalidation: refuse,
    setDegradation: refuse,
    preflightManifest: refuse,
  };
}
