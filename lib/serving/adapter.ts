// The seam between Reversegate and a serving plane. Everything the rollback machinery needs from
// serving goes through `ServingAdapter`; this module is types and typed errors only, so any
// implementation (HTTP, in-memory, a vendor SDK) can stand behind it.

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
}

export interface ServingCapabilities {
  trafficSplit: boolean;
  stickiness: boolean;
  manifestRestore: boolean;
  consumerInvalidation: boolean;
}

export interface ServingHealth {
  status: "ok";
  capabilities: ServingCapabilities;
}

export interface ServingAdapter {
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
}

export type ServingErrorKind =
  | "unreachable"
  | "timeout"
  | "stale_revision"
  | "rejected"
  | "not_found"
  | "unauthorized"
  | "server_error";

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
