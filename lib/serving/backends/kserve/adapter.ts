// `ServingAdapter` over a KServe v1beta1 InferenceService (serverless mode, where KServe splits
// traffic through Knative revisions), through the Kubernetes API.
//
// - PINNED is the version whose storageUri is in spec.predictor.model.storageUri. Pinning writes
//   the version's storageUri together with canaryTrafficPercent 0: KServe creates a revision for
//   it, and, when a revision was rolled out before, keeps that one on all traffic, so pinning
//   leaves traffic where it is and the traffic steps move it.
// - TRAFFIC is status.components.predictor.traffic, each revision named by the version its model
//   is (the revision's storage-uri annotation, which KServe sets and revisions never change).
//   KServe splits between exactly two revisions: the latest (the pinned version) gets
//   canaryTrafficPercent, the last revision rolled out with 100% gets the rest. So a split is
//   canaryTrafficPercent = the pinned version's share, and all of it removes the field (KServe's
//   "promote"); a split naming any other pair of versions is refused.
// - The REVISION is metadata.generation, which the API server increments on every spec change and
//   never on a status write. Compare-and-set: the change is refused as stale when the generation
//   is not `expectedRevision`, and the patch carries the resourceVersion it was computed from, so
//   the API server refuses it (409 Conflict) if anything changed in between. A conflict is then
//   re-read and decided again: a status write by the controller only moved the resourceVersion,
//   a spec change by someone else moved the generation too and is refused as stale.
// - Every change waits, up to `rolloutTimeoutMs`, until the controller has observed the new
//   generation and its newest revision is ready, so the next step reads traffic that is real.
import type { ServingCapabilities } from "../../capabilities";
import { ServingError, type DeploymentStatus, type ServingAdapter, type TrafficWeight } from "../../port";
import { withRetries, type RetryPolicy } from "../retry";
import { refuseLacking } from "../unsupported";
import type { VersionNames } from "../version-names";
import {
  inferenceServicePath,
  inferenceServiceSchema,
  pendingConditions,
  predictorStatus,
  revisionPath,
  revisionSchema,
  rolledOut,
  STORAGE_URI_ANNOTATION,
  type InferenceService,
} from "./inference-service";
import { kubernetesRequest, type KubernetesConnection } from "./kubernetes-client";

export const KSERVE_CAPABILITIES: ServingCapabilities = { ramp: true, instantFlip: true, stickiness: false, consumerInvalidation: false, manifestRestore: false };

export interface KserveAdapterOptions {
  namespace: string;
  name: string;
  storageUris: VersionNames;
  /** Resolved on first use (files are read then), so a configuration problem fails a step, not the worker. */
  connect: () => Promise<KubernetesConnection>;
  retry: RetryPolicy;
  rolloutTimeoutMs: number;
  pollIntervalMs?: number;
}

/** How many times a change is re-read and tried again after a 409 Conflict before giving up. */
const CONFLICT_ATTEMPTS = 5;

type PredictorPatch = { canaryTrafficPercent: number | null; model?: { storageUri: string } };

export function createKserveServingAdapter(options: KserveAdapterOptions): ServingAdapter {
  const { namespace, name, storageUris } = options;
  const where = `InferenceService ${namespace}/${name}`;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  let connection: Promise<KubernetesConnection> | null = null;
  const connect = () => {
    connection ??= options.connect().catch((error: unknown) => {
      connection = null;
      throw error;
    });
    return connection;
  };
  // Revisions are immutable, so what a revision serves is read once per adapter.
  const revisionVersions = new Map<string, string>();

  const send = (method: "GET" | "PATCH", path: string, body?: unknown) =>
    withRetries(options.retry, async (attempt, timeoutMs) =>
      kubernetesRequest(await connect(), { method, path, body, contentType: body === undefined ? undefined : "application/merge-patch+json" }, timeoutMs, attempt),
    );

  const parsed = (json: unknown): InferenceService => {
    const result = inferenceServiceSchema.safeParse(json);
    if (!result.success) {
      const detail = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new ServingError("server_error", `${where}: the API server's answer is not an InferenceService (${detail})`, { retryable: false });
    }
    return result.data;
  };

  async function read(): Promise<InferenceService> {
    try {
      return parsed(await send("GET", inferenceServicePath(namespace, name)));
    } catch (error) {
      if (error instanceof ServingError && error.kind === "not_found") {
        throw new ServingError("not_found", `${where} not found; create it first (Reversegate pins versions on an existing InferenceService)`, { status: 404, cause: error });
      }
      throw error;
    }
  }

  const versionOfUri = (uri: string) => storageUris.versionOf(uri) ?? `unmapped storageUri ${uri}`;

  async function revisionVersion(revision: string): Promise<string> {
    const known = revisionVersions.get(revision);
    if (known) return known;
    let version: string;
    try {
      const uri = revisionSchema.parse(await send("GET", revisionPath(namespace, revision))).metadata.annotations?.[STORAGE_URI_ANNOTATION];
      version = uri === undefined ? `revision ${revision} (no storageUri)` : versionOfUri(uri);
    } catch (error) {
      // A revision Knative has garbage-collected serves nothing; any other failure is reported.
      if (error instanceof ServingError && error.kind === "not_found") return `revision ${revision} (gone)`;
      throw error;
    }
    revisionVersions.set(revision, version);
    return version;
  }

  function pinnedVersion(isvc: InferenceService): string {
    const uri = isvc.spec.predictor.model?.storageUri;
    return uri === undefined ? "none" : versionOfUri(uri);
  }

  async function toStatus(deployment: string, isvc: InferenceService): Promise<DeploymentStatus> {
    const shares = new Map<string, number>();
    for (const target of predictorStatus(isvc).traffic ?? []) {
      if (!target.revisionName || !target.percent) continue;
      const version = await revisionVersion(target.revisionName);
      shares.set(version, (shares.get(version) ?? 0) + target.percent);
    }
    const traffic: TrafficWeight[] = [...shares].map(([version, percent]) => ({ version, percent })).sort((a, b) => b.percent - a.percent);
    return {
      deployment,
      pinnedVersion: pinnedVersion(isvc),
      traffic,
      stickiness: "none",
      ready: rolledOut(isvc),
      revision: isvc.metadata.generation,
      manifest: null,
      consumers: [],
    };
  }

  async function waitForRollout(deployment: string, generation: number): Promise<DeploymentStatus> {
    const deadline = Date.now() + options.rolloutTimeoutMs;
    for (;;) {
      const isvc = await read();
      if (isvc.metadata.generation > generation || rolledOut(isvc)) return toStatus(deployment, isvc);
      if (Date.now() >= deadline) {
        const observed = isvc.status?.observedGeneration ?? 0;
        throw new ServingError(
          "timeout",
          `${where}: KServe has not rolled out generation ${generation} within ${Math.round(options.rolloutTimeoutMs / 1000)} s (observed generation ${observed}; ${pendingConditions(isvc)})`,
          { retryable: false },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    }
  }

  /**
   * Reads, asks `decide` for the predictor fields to write (null: already as wanted), checks the
   * generation, patches with the resourceVersion read, and waits for the rollout. Re-reads after a
   * 409 Conflict (see the header).
   */
  async function change(deployment: string, expectedRevision: number | undefined, decide: (isvc: InferenceService) => Promise<PredictorPatch | null>) {
    for (let attempt = 1; ; attempt++) {
      const isvc = await read();
      const predictor = await decide(isvc);
      if (predictor === null) return waitForRollout(deployment, isvc.metadata.generation);
      if (expectedRevision !== undefined && expectedRevision !== isvc.metadata.generation) {
        throw new ServingError("stale_revision", `${where} changed since it was read (generation ${isvc.metadata.generation}, expected ${expectedRevision})`, {
          code: "stale_revision",
          currentRevision: isvc.metadata.generation,
        });
      }
      try {
        const patched = parsed(await send("PATCH", inferenceServicePath(namespace, name), { metadata: { resourceVersion: isvc.metadata.resourceVersion }, spec: { predictor } }));
        return await waitForRollout(deployment, patched.metadata.generation);
      } catch (error) {
        if (!(error instanceof ServingError && error.status === 409) || attempt >= CONFLICT_ATTEMPTS) throw error;
      }
    }
  }

  const refuse = (message: string) => new ServingError("rejected", `${where}: ${message}`, { code: "version_refused" });

  function requireModelSpec(isvc: InferenceService): void {
    if (!isvc.spec.predictor.model) {
      throw refuse("has no spec.predictor.model; Reversegate pins spec.predictor.model.storageUri (the model-format predictor), not a framework-specific one");
    }
  }

  return {
    capabilities: KSERVE_CAPABILITIES,
    checkHealth: async () => {
      requireModelSpec(await read());
      return { status: "ok", capabilities: KSERVE_CAPABILITIES };
    },
    getStatus: async (deployment) => toStatus(deployment, await read()),
    pinVersion: (deployment, input) => {
      const storageUri = storageUris.nameOf(input.version);
      if (storageUri === null) return Promise.reject(refuse(`the configuration maps no storageUri to ${input.version}`));
      return change(deployment, input.expectedRevision, async (isvc) => {
        requireModelSpec(isvc);
        return isvc.spec.predictor.model?.storageUri === storageUri ? null : { canaryTrafficPercent: 0, model: { storageUri } };
      });
    },
    setTraffic: (deployment, input) =>
      change(deployment, input.expectedRevision, async (isvc) => {
        const pinned = pinnedVersion(isvc);
        const latestShare = input.weights.find((w) => w.version === pinned)?.percent ?? 0;
        const others = input.weights.filter((w) => w.version !== pinned && w.percent > 0);
        if (others.length > 0) {
          const rolledOutRevision = predictorStatus(isvc).latestRolledoutRevision;
          const rolledOutVersion = rolledOutRevision === undefined ? null : await revisionVersion(rolledOutRevision);
          if (others.length > 1 || others[0]!.version !== rolledOutVersion) {
            throw refuse(
              `KServe splits traffic only between the pinned version (${pinned}, its latest revision) and the last revision rolled out with all traffic (${rolledOutVersion ?? "none yet"}); it cannot send ${others.map((o) => `${o.version} ${o.percent}%`).join(" and ")}`,
            );
          }
        }
        const canaryTrafficPercent = latestShare === 100 ? null : latestShare;
        return (isvc.spec.predictor.canaryTrafficPercent ?? null) === canaryTrafficPercent ? null : { canaryTrafficPercent };
      }),
    restoreManifest: refuseLacking(where, "manifestRestore"),
    invalidateConsumers: refuseLacking(where, "consumerInvalidation"),
    getInvalidation: refuseLacking(where, "consumerInvalidation"),
  };
}

