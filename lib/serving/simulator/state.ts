// The simulator's in-memory world and the pure operations on it. Time comes in as an argument,
// and consumer acknowledgements are settled lazily from it, so the same state survives a restart
// (through the snapshot) without any timers to re-arm.
import { z } from "zod";
import { DEGRADATION_LEVELS, type DegradationLevel, type DegradationLevelInfo } from "../degradation";
import type {
  ConsumerStatus,
  DeploymentStatus,
  InvalidationStatus,
  ManifestPreflightResult,
  PreflightArtifact,
  StateManifest,
  Stickiness,
  TrafficWeight,
  VersionedManifest,
} from "../port";
import { stateManifestSchema, stickinessSchema } from "../contract";

export const DEFAULT_CONSUMERS: readonly string[] = ["triage-agent", "reply-drafter", "escalation-agent"];
export const DEFAULT_ACCURACY = 0.9;
/** The worked example: v14 regressed on live traffic, v13 is the pinned way back. */
const DEMO_PROFILES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  "support-router": { v14: 0.81, v13: 0.91, v12: 0.9, v11: 0.89 },
};
/** What the rules path scores when a deployment falls back with no prior version to answer. */
export const RULES_PATH_ACCURACY = 0.85;
/** The fixed answer at `off`. */
export const FIXED_RESPONSE = "The assistant is unavailable right now; your request was saved and will be answered.";
/** The levels the simulator offers, and what each means here. */
export const SIMULATOR_DEGRADATION_LEVELS: readonly DegradationLevelInfo[] = [
  { level: "reduced", description: "tool use and long context are off; the live version answers from its base prompt", disables: ["tool_use", "long_context"] },
  { level: "fallback", description: "the prior version (the one pinned before the live one) answers; the rules path when there is none", fallback: "prior version" },
  { level: "off", description: `a fixed response: "${FIXED_RESPONSE}"` },
];
const MAX_INVALIDATIONS_KEPT = 100;
const MAX_REQUEST_LOG = 1000;
const MAX_IDEMPOTENCY_KEYS = 1000;

export interface InvalidationState {
  id: string;
  version: string;
  reason: string;
  createdAtMs: number;
  /** The deployment revision consumers confirm by acknowledging. */
  revision: number;
  consumers: string[];
  acknowledged: string[];
  /** consumer → when it acknowledged (ms). */
  acknowledgedAtMs: Record<string, number>;
}

export interface DegradationState {
  level: DegradationLevel;
  reason: string | null;
  sinceMs: number | null;
}

export interface DeploymentState {
  name: string;
  pinnedVersion: string;
  /** The version pinned before the current one: who answers at `fallback`. */
  priorVersion: string | null;
  traffic: TrafficWeight[];
  stickiness: Stickiness;
  revision: number;
  manifests: VersionedManifest[];
  consumers: ConsumerStatus[];
  invalidations: InvalidationState[];
  degradation: DegradationState;
}

export interface FaultRule {
  /** Unset: applies to every control request. */
  deployment: string | undefined;
  failNextRequests: number;
  errorRate: number;
  latencyMs: number;
  hang: boolean;
  refuseVersions: string[];
  silentConsumers: string[];
  /** Artifact refs (vector index snapshots, memory checkpoints) that a preflight finds unreachable. */
  unreachableArtifacts: string[];
}

export interface RequestLogEntry {
  seq: number;
  method: string;
  path: string;
  at: string;
  /** null while unanswered, and forever for a request the `hang` fault swallowed. */
  status: number | null;
  /** Answered from the idempotency cache, without applying anything. */
  replayed: boolean;
}

export interface IdempotentOutcome {
  method: string;
  path: string;
  rawBody: string;
  status: number;
  body: unknown;
}

export interface SimulatorState {
  deployments: Map<string, DeploymentState>;
  /** deployment → version → mean canary accuracy. */
  profiles: Map<string, Map<string, number>>;
  /** Consumer ids set through /sim before or after a deployment exists. */
  consumerConfig: Map<string, string[]>;
  /** deployment → consumer → how long it takes to acknowledge (default: consumerAckMs). */
  ackDelays: Map<string, Record<string, number>>;
  nextInvalidationSeq: number;
  faults: FaultRule[];
  requestLog: RequestLogEntry[];
  nextRequestSeq: number;
  idempotency: Map<string, IdempotentOutcome>;
}

export function createInitialState(): SimulatorState {
  return {
    deployments: new Map(),
    profiles: new Map(
      Object.entries(DEMO_PROFILES).map(([deployment, versions]) => [deployment, new Map(Object.entries(versions))]),
    ),
    consumerConfig: new Map(),
    ackDelays: new Map(),
    nextInvalidationSeq: 1,
    faults: [],
    requestLog: [],
    nextRequestSeq: 1,
    idempotency: new Map(),
  };
}

export interface Reply {
  status: number;
  body: unknown;
}

export function errorReply(status: number, error: string, message: string, extra: object = {}): Reply {
  return { status, body: { error, message, ...extra } };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Key-order-independent JSON, so "the same manifest again" is recognised as no change. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

// ---- faults -------------------------------------------------------------------------------

export function rulesFor(state: SimulatorState, deployment: string | undefined): FaultRule[] {
  return state.faults.filter((rule) => rule.deployment === undefined || rule.deployment === deployment);
}

export function setFaultRule(state: SimulatorState, rule: FaultRule): void {
  state.faults = [...state.faults.filter((existing) => existing.deployment !== rule.deployment), rule];
}

function refusedVersion(state: SimulatorState, deployment: string, versions: string[]): string | undefined {
  const refused = new Set(rulesFor(state, deployment).flatMap((rule) => rule.refuseVersions));
  return versions.find((version) => refused.has(version));
}

// ---- request log and idempotency ------------------------------------------------------------

export function logRequest(state: SimulatorState, method: string, path: string, nowMs: number): RequestLogEntry {
  const entry: RequestLogEntry = {
    seq: state.nextRequestSeq++,
    method,
    path,
    at: iso(nowMs),
    status: null,
    replayed: false,
  };
  state.requestLog.push(entry);
  if (state.requestLog.length > MAX_REQUEST_LOG) state.requestLog.shift();
  return entry;
}

export function rememberOutcome(state: SimulatorState, key: string, outcome: IdempotentOutcome): void {
  state.idempotency.set(key, outcome);
  if (state.idempotency.size > MAX_IDEMPOTENCY_KEYS) {
    const oldest = state.idempotency.keys().next();
    if (oldest.done !== true) state.idempotency.delete(oldest.value);
  }
}

// ---- deployments ----------------------------------------------------------------------------

/**
 * Each consumer acknowledges its own delay after an invalidation (`/sim/…/consumers` ackDelaysMs,
 * default `consumerAckMs`), unless a fault keeps it silent.
 */
export function settleAcknowledgements(
  state: SimulatorState,
  deployment: DeploymentState,
  nowMs: number,
  consumerAckMs: number,
): void {
  const silent = new Set(rulesFor(state, deployment.name).flatMap((rule) => rule.silentConsumers));
  const delays = state.ackDelays.get(deployment.name) ?? {};
  for (const invalidation of deployment.invalidations) {
    for (const id of invalidation.consumers) {
      const dueMs = invalidation.createdAtMs + (delays[id] ?? consumerAckMs);
      if (nowMs < dueMs || silent.has(id) || invalidation.acknowledged.includes(id)) continue;
      invalidation.acknowledged.push(id);
      invalidation.acknowledgedAtMs[id] = dueMs;
      const consumer = deployment.consumers.find((candidate) => candidate.id === id);
      if (consumer !== undefined) {
        consumer.acknowledgedRevision = Math.max(consumer.acknowledgedRevision, invalidation.revision);
        consumer.lastAckAt = iso(dueMs);
      }
    }
  }
}

export function deploymentView(deployment: DeploymentState): DeploymentStatus {
  return {
    deployment: deployment.name,
    pinnedVersion: deployment.pinnedVersion,
    traffic: deployment.traffic.map((weight) => ({ ...weight })),
    stickiness: deployment.stickiness,
    // Versions load instantly here; a real plane reports false while a version warms up.
    ready: true,
    revision: deployment.revision,
    manifest: deployment.manifests.find((manifest) => manifest.version === deployment.pinnedVersion) ?? null,
    consumers: deployment.consumers.map((consumer) => ({ ...consumer })),
    degradation: {
      level: deployment.degradation.level,
      reason: deployment.degradation.reason,
      since: deployment.degradation.sinceMs === null ? null : iso(deployment.degradation.sinceMs),
      servedBy: servedBy(deployment),
    },
  };
}

/** Who answers at the deployment's level, in words. */
export function servedBy(deployment: DeploymentState): string | null {
  switch (deployment.degradation.level) {
    case "normal":
      return null;
    case "reduced":
      return `${deployment.pinnedVersion} with tool use and long context off`;
    case "fallback":
      return deployment.priorVersion === null ? "the rules path (no prior version)" : `${deployment.priorVersion} (prior version)`;
    case "off":
      return "a fixed response";
  }
}

export function deploymentNotFound(name: string): Reply {
  return errorReply(404, "deployment_not_found", `no deployment named ${name}; pin a version to create it`);
}

function staleRevision(currentRevision: number, expected: number): Reply {
  return errorReply(409, "stale_revision", `expected revision ${expected}, current is ${currentRevision}`, {
    currentRevision,
  });
}

function versionRefused(version: string): Reply {
  return errorReply(422, "version_refused", `version ${version} refused`);
}

export function pinVersion(
  state: SimulatorState,
  name: string,
  input: { version: string; expectedRevision?: number | undefined },
  nowMs: number,
): Reply {
  if (refusedVersion(state, name, [input.version]) !== undefined) return versionRefused(input.version);
  const existing = state.deployments.get(name);
  const currentRevision = existing?.revision ?? 0;
  if (input.expectedRevision !== undefined && input.expectedRevision !== currentRevision) {
    return staleRevision(currentRevision, input.expectedRevision);
  }
  if (existing === undefined) {
    const created: DeploymentState = {
      name,
      pinnedVersion: input.version,
      priorVersion: null,
      traffic: [{ version: input.version, percent: 100 }],
      stickiness: "none",
      revision: 1,
      manifests: [],
      // Consumers that start with the deployment start in step with it.
      consumers: (state.consumerConfig.get(name) ?? DEFAULT_CONSUMERS).map((id) => ({
        id,
        acknowledgedRevision: 1,
        lastAckAt: iso(nowMs),
      })),
      invalidations: [],
      degradation: { level: "normal", reason: null, sinceMs: null },
    };
    state.deployments.set(name, created);
    return { status: 201, body: deploymentView(created) };
  }
  if (existing.pinnedVersion !== input.version) {
    existing.priorVersion = existing.pinnedVersion;
    existing.pinnedVersion = input.version;
    existing.revision += 1;
  }
  return { status: 200, body: deploymentView(existing) };
}

export function setTraffic(
  state: SimulatorState,
  name: string,
  input: { weights: TrafficWeight[]; stickiness?: Stickiness | undefined; expectedRevision: number },
): Reply {
  const deployment = state.deployments.get(name);
  if (deployment === undefined) return deploymentNotFound(name);
  // Versions at 0% carry no traffic, so they are neither refused nor kept.
  const traffic = input.weights
    .filter((weight) => weight.percent > 0)
    .map(({ version, percent }) => ({ version, percent }));
  const refused = refusedVersion(state, name, traffic.map((weight) => weight.version));
  if (refused !== undefined) return versionRefused(refused);
  if (input.expectedRevision !== deployment.revision) return staleRevision(deployment.revision, input.expectedRevision);
  const stickiness = input.stickiness ?? deployment.stickiness;
  if (canonicalJson(traffic) !== canonicalJson(deployment.traffic) || stickiness !== deployment.stickiness) {
    deployment.traffic = traffic;
    deployment.stickiness = stickiness;
    deployment.revision += 1;
  }
  return { status: 200, body: deploymentView(deployment) };
}

export function restoreManifest(state: SimulatorState, name: string, manifest: VersionedManifest): Reply {
  const deployment = state.deployments.get(name);
  if (deployment === undefined) return deploymentNotFound(name);
  const previous = deployment.manifests.find((candidate) => candidate.version === manifest.version);
  if (previous === undefined || canonicalJson(previous) !== canonicalJson(manifest)) {
    const others = deployment.manifests.filter((candidate) => candidate.version !== manifest.version);
    deployment.manifests = [...others, manifest];
    deployment.revision += 1;
  }
  return { status: 200, body: deploymentView(deployment) };
}

export function createInvalidation(
  state: SimulatorState,
  name: string,
  input: { reason: string; version: string },
  nowMs: number,
): Reply {
  const deployment = state.deployments.get(name);
  if (deployment === undefined) return deploymentNotFound(name);
  const invalidation: InvalidationState = {
    id: `inv-${state.nextInvalidationSeq++}`,
    version: input.version,
    reason: input.reason,
    createdAtMs: nowMs,
    revision: deployment.revision,
    consumers: deployment.consumers.map((consumer) => consumer.id),
    acknowledged: [],
    acknowledgedAtMs: {},
  };
  deployment.invalidations = [...deployment.invalidations, invalidation].slice(-MAX_INVALIDATIONS_KEPT);
  return { status: 202, body: { invalidationId: invalidation.id, consumers: invalidation.consumers } };
}

export function invalidationView(invalidation: InvalidationState): InvalidationStatus {
  return {
    id: invalidation.id,
    version: invalidation.version,
    reason: invalidation.reason,
    createdAt: iso(invalidation.createdAtMs),
    acknowledged: [...invalidation.acknowledged],
    pending: invalidation.consumers.filter((id) => !invalidation.acknowledged.includes(id)),
    acknowledgements: invalidation.acknowledged.flatMap((consumer) => {
      const at = invalidation.acknowledgedAtMs[consumer];
      return at === undefined ? [] : [{ consumer, at: iso(at) }];
    }),
  };
}

/** Serves the deployment at `level`; the same level again changes nothing (not even `since`). */
export function setDegradation(
  state: SimulatorState,
  name: string,
  input: { level: DegradationLevel; reason: string },
  nowMs: number,
): Reply {
  const deployment = state.deployments.get(name);
  if (deployment === undefined) return deploymentNotFound(name);
  if (deployment.degradation.level !== input.level) {
    deployment.degradation = { level: input.level, reason: input.reason, sinceMs: nowMs };
  }
  return { status: 200, body: deploymentView(deployment) };
}

const PREFLIGHT_ARTIFACTS: readonly PreflightArtifact[] = ["vectorIndexSnapshot", "agentMemoryCheckpoint"];

/** Whether the manifest's state artifacts answer; a fault's `unreachableArtifacts` do not. Changes nothing. */
export function preflightManifest(state: SimulatorState, name: string, input: { version: string; manifest: StateManifest }, nowMs: number): Reply {
  if (!state.deployments.has(name)) return deploymentNotFound(name);
  const unreachable = new Set(rulesFor(state, name).flatMap((rule) => rule.unreachableArtifacts));
  const artifacts = PREFLIGHT_ARTIFACTS.flatMap((artifact) => {
    const ref = input.manifest[artifact];
    if (ref === undefined) return [];
    const reachable = !unreachable.has(ref);
    return [{ artifact, ref, reachable, latencyMs: 0, ...(reachable ? {} : { detail: `${ref} did not answer (simulated: unreachableArtifacts)` }) }];
  });
  const result: ManifestPreflightResult = { version: input.version, checkedAt: iso(nowMs), artifacts };
  return { status: 200, body: result };
}

export function setConsumers(state: SimulatorState, name: string, ids: string[], nowMs: number, ackDelaysMs?: Record<string, number>): void {
  state.consumerConfig.set(name, ids);
  if (ackDelaysMs !== undefined) state.ackDelays.set(name, ackDelaysMs);
  const deployment = state.deployments.get(name);
  if (deployment === undefined) return;
  deployment.consumers = ids.map(
    (id) =>
      deployment.consumers.find((consumer) => consumer.id === id) ?? {
        id,
        acknowledgedRevision: deployment.revision,
        lastAckAt: iso(nowMs),
      },
  );
}

export function meanAccuracy(state: SimulatorState, deployment: string, version: string): number {
  return state.profiles.get(deployment)?.get(version) ?? DEFAULT_ACCURACY;
}

/**
 * The canary accuracy that traffic meant for `version` sees at the deployment's level, or null at
 * `off` (a fixed response has nothing to score). At `fallback` the prior version (or the rules
 * path) answers, so the canary recovers to its level; `reduced` recovers half of that gap, as if
 * part of the regression lived in the capabilities it turns off.
 */
export function servedAccuracy(state: SimulatorState, deployment: DeploymentState, version: string): number | null {
  const own = meanAccuracy(state, deployment.name, version);
  const fallback = deployment.priorVersion === null ? RULES_PATH_ACCURACY : meanAccuracy(state, deployment.name, deployment.priorVersion);
  switch (deployment.degradation.level) {
    case "normal":
      return own;
    case "reduced":
      return own + (Math.max(own, fallback) - own) / 2;
    case "fallback":
      return fallback;
    case "off":
      return null;
  }
}

// ---- persistence ------------------------------------------------------------------------------
// Only what a demo restart should keep: deployments (with their levels), profiles, consumer lists and delays. Faults, the request
// log and idempotency keys belong to one run.

const snapshotSchema = z.object({
  deployments: z.array(
    z.object({
      name: z.string(),
      pinnedVersion: z.string(),
      priorVersion: z.string().nullable().default(null),
      traffic: z.array(z.object({ version: z.string(), percent: z.number() })),
      stickiness: stickinessSchema,
      revision: z.number().int(),
      manifests: z.array(stateManifestSchema.extend({ version: z.string() })),
      consumers: z.array(
        z.object({ id: z.string(), acknowledgedRevision: z.number().int(), lastAckAt: z.string().nullable() }),
      ),
      invalidations: z.array(
        z.object({
          id: z.string(),
          version: z.string(),
          reason: z.string(),
          createdAtMs: z.number(),
          revision: z.number().int(),
          consumers: z.array(z.string()),
          acknowledged: z.array(z.string()),
          acknowledgedAtMs: z.record(z.string(), z.number()).default({}),
        }),
      ),
      degradation: z
        .object({ level: z.enum(DEGRADATION_LEVELS), reason: z.string().nullable(), sinceMs: z.number().nullable() })
        .default({ level: "normal", reason: null, sinceMs: null }),
    }),
  ),
  profiles: z.array(z.object({ deployment: z.string(), versions: z.array(z.tuple([z.string(), z.number()])) })),
  consumerConfig: z.array(z.object({ deployment: z.string(), ids: z.array(z.string()) })),
  ackDelays: z.array(z.object({ deployment: z.string(), delays: z.record(z.string(), z.number()) })).default([]),
  nextInvalidationSeq: z.number().int().min(1),
});

export function serializeSnapshot(state: SimulatorState): string {
  const snapshot: z.infer<typeof snapshotSchema> = {
    deployments: [...state.deployments.values()],
    profiles: [...state.profiles].map(([deployment, versions]) => ({ deployment, versions: [...versions] })),
    consumerConfig: [...state.consumerConfig].map(([deployment, ids]) => ({ deployment, ids })),
    ackDelays: [...state.ackDelays].map(([deployment, delays]) => ({ deployment, delays })),
    nextInvalidationSeq: state.nextInvalidationSeq,
  };
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}

/** Throws if `text` is not a snapshot this simulator wrote. */
export function restoreSnapshot(text: string): SimulatorState {
  const snapshot = snapshotSchema.parse(JSON.parse(text));
  return {
    ...createInitialState(),
    deployments: new Map(snapshot.deployments.map((deployment) => [deployment.name, deployment])),
    profiles: new Map(snapshot.profiles.map(({ deployment, versions }) => [deployment, new Map(versions)])),
    consumerConfig: new Map(snapshot.consumerConfig.map(({ deployment, ids }) => [deployment, ids])),
    ackDelays: new Map(snapshot.ackDelays.map(({ deployment, delays }) => [deployment, delays])),
    nextInvalidationSeq: snapshot.nextInvalidationSeq,
  };
}
