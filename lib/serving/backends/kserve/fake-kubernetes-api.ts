// A small HTTP server of OURS that serves InferenceServices (and Knative Revisions) the way the
// Kubernetes API server does, with KServe's controller simulated behind it. No Kubernetes can run
// where Reversegate is tested, so the kserve backend is tested against this: it is a stand-in, not
// a cluster, and says so in the README.
//
// As the API server: GET and PATCH (application/merge-patch+json, RFC 7386) of
// /apis/serving.kserve.io/v1beta1/namespaces/{ns}/inferenceservices/{name}; GET of
// /apis/serving.knative.dev/v1/namespaces/{ns}/revisions/{name}; bearer-token auth (401); errors as
// `Status` objects (404 NotFound, 409 Conflict for a stale metadata.resourceVersion in the patch,
// 415, 422 Invalid); resourceVersion changes on every write, metadata.generation on spec changes
// only; writes to `status` through the main resource are ignored (the status subresource).
//
// As KServe's controller (pkg/controller/v1beta1/inferenceservice): after a spec change, a new
// predictor revision when the model changed (its storage-uri annotation names the model), traffic
// split as createKnativeService does (canaryTrafficPercent to the latest ready revision, the rest
// to latestRolledoutRevision), then status.components.predictor as PropagateStatus records it
// (latest/previous rolled-out revisions), observedGeneration and the Ready condition. Each status
// write moves the resourceVersion, as the real controller's do.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { STORAGE_URI_ANNOTATION } from "./inference-service";
import fixture from "./fixtures/support-router.json";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
// The resources are handled as plain JSON, as the API server stores them; these name the parts touched.
type TrafficTarget = { revisionName?: string; latestRevision?: boolean; percent?: number; tag?: string };
type PredictorStatus = {
  latestCreatedRevision?: string;
  latestReadyRevision?: string;
  latestRolledoutRevision?: string;
  previousRolledoutRevision?: string;
  traffic?: TrafficTarget[];
  [key: string]: unknown;
};

export type FakeKubernetesApiOptions = {
  token: string;
  /** Serve HTTPS with this key and certificate instead of plain HTTP. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** How long the simulated controller takes to act on a spec change, and a new revision to become ready. */
  reconcileDelayMs?: number;
  revisionReadyDelayMs?: number;
};

export type FakeRequest = { method: string; path: string; status: number };

export type FakeKubernetesApi = {
  url: string;
  /** The InferenceService as the API server holds it now (a copy). */
  inferenceService: (namespace: string, name: string) => JsonObject | undefined;
  /** Adds the fixture's InferenceService (v14 rolled out after v13) and its revisions under `namespace`/`name`. */
  addSupportRouter: (namespace?: string, name?: string) => void;
  /** A spec change by someone else (kubectl, another controller), through the same path as a PATCH. */
  patchAsSomeoneElse: (namespace: string, name: string, patch: JsonObject) => void;
  /** Moves the resourceVersion just before each of the next `count` PATCHes, as a controller status write would. */
  conflictOnNextPatches: (count: number) => void;
  /** A stuck rollout: new revisions never become ready. */
  setRevisionsFailing: (failing: boolean) => void;
  requests: () => FakeRequest[];
  /** Resolves once the simulated controller has nothing left to do. */
  settled: () => Promise<void>;
  stop: () => Promise<void>;
};

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
/** JSON with object keys sorted, so two equal values compare equal however their keys were ordered. */
const canonical = (value: Json): string =>
  Array.isArray(value)
    ? `[${value.map(canonical).join(",")}]`
    : isObject(value)
      ? `{${Object.keys(value)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical(value[k]!)}`)
          .join(",")}}`
      : JSON.stringify(value);
const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/** RFC 7386 JSON merge patch: objects merge, null deletes, anything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key] ?? null, value);
  }
  return result;
}

function statusBody(code: number, reason: string, message: string, details?: JsonObject): JsonObject {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, ...(details ? { details } : {}), code };
}

const ISVC_PATH = /^\/apis\/serving\.kserve\.io\/v1beta1\/namespaces\/([^/]+)\/inferenceservices\/([^/]+)$/;
const REVISION_PATH = /^\/apis\/serving\.knative\.dev\/v1\/namespaces\/([^/]+)\/revisions\/([^/]+)$/;

export async function startFakeKubernetesApi(options: FakeKubernetesApiOptions): Promise<FakeKubernetesApi> {
  const reconcileDelayMs = options.reconcileDelayMs ?? 20;
  const revisionReadyDelayMs = options.revisionReadyDelayMs ?? 60;
  const services = new Map<string, JsonObject>();
  const revisions = new Map<string, JsonObject>();
  const revisionCounters = new Map<string, number>();
  const log: FakeRequest[] = [];
  let resourceVersion = 50_000;
  let conflictsPending = 0;
  let revisionsFailing = false;
  const pending = new Set<Promise<void>>();

  const key = (namespace: string, name: string) => `${namespace}/${name}`;
  const nextResourceVersion = () => String(++resourceVersion);
  const metadataOf = (isvc: JsonObject) => isvc.metadata as JsonObject;
  const predictorSpec = (isvc: JsonObject) => (isvc.spec as JsonObject).predictor as JsonObject;
  const predictorStatus = (isvc: JsonObject) => (((isvc.status as JsonObject).components as JsonObject).predictor ?? {}) as PredictorStatus;
  /** The parts of the predictor that shape a revision's pods: everything but the traffic split, keys sorted. */
  const templateOf = (predictor: JsonObject) => canonical({ ...predictor, canaryTrafficPercent: null });
  const template = (isvc: JsonObject) => templateOf(predictorSpec(isvc));
  const revisionTemplates = new Map<string, string>();

  const later = (ms: number, work: () => void) => {
    const done = new Promise<void>((resolve) =>
      setTimeout(() => {
        work();
        resolve();
      }, ms),
    );
    pending.add(done);
    void done.then(() => pending.delete(done));
  };

  function setCondition(isvc: JsonObject, type: string, status: string, reason?: string, message?: string) {
    const conditions = ((isvc.status as JsonObject).conditions ?? []) as JsonObject[];
    const others = conditions.filter((c) => c.type !== type);
    const condition: JsonObject = { lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"), status, type };
    if (reason) condition.reason = reason;
    if (message) condition.message = message;
    (isvc.status as JsonObject).conditions = [...others, condition].sort((a, b) => String(a.type).localeCompare(String(b.type)));
  }

  /** One pass of the controller over the current spec, writing status (createKnativeService + PropagateStatus). */
  function writeStatus(isvc: JsonObject) {
    const status = predictorStatus(isvc);
    const canary = predictorSpec(isvc).canaryTrafficPercent;
    const rolledOut = status.latestRolledoutRevision ?? "";
    const latestReady = status.latestReadyRevision;
    // The route Knative serves: "latestRevision" resolves to the latest READY revision.
    const targets: TrafficTarget[] =
      typeof canary === "number" && rolledOut !== ""
        ? [{ latestRevision: true, percent: canary }, ...(canary < 100 ? [{ latestRevision: false, percent: 100 - canary, revisionName: rolledOut, tag: "prev" }] : [])]
        : [{ latestRevision: true, percent: 100 }];
    const traffic = targets.map((t) => (t.latestRevision ? { ...t, revisionName: latestReady } : t));
    const byRevision = new Map<string, number>();
    for (const t of traffic) byRevision.set(t.revisionName ?? "", (byRevision.get(t.revisionName ?? "") ?? 0) + (t.percent ?? 0));
    for (const t of traffic) {
      if (t.revisionName !== latestReady || !t.latestRevision) continue;
      if (status.latestRolledoutRevision !== latestReady) {
        if (t.percent === 100) {
          status.previousRolledoutRevision = status.latestRolledoutRevision;
          status.latestRolledoutRevision = latestReady;
        }
      } else if (latestReady === status.latestCreatedRevision && (t.percent ?? 0) < 100 && byRevision.get(t.revisionName ?? "") === 100 && status.previousRolledoutRevision) {
        // KServe's rollback of a fully rolled-out revision to the one before it.
        status.latestRolledoutRevision = status.previousRolledoutRevision;
      }
    }
    status.traffic = traffic;
    ((isvc.status as JsonObject).components as JsonObject).predictor = status as JsonObject;
    (isvc.status as JsonObject).observedGeneration = metadataOf(isvc).generation!;
    const ready = status.latestCreatedRevision === status.latestReadyRevision;
    const failed = !ready && revisionsFailing;
    for (const type of ["LatestDeploymentReady", "PredictorConfigurationReady", "PredictorReady", "Ready"]) {
      if (ready) setCondition(isvc, type, "True");
      else if (failed) setCondition(isvc, type, "False", "RevisionFailed", `Revision "${status.latestCreatedRevision}" failed with message: model load failed.`);
      else setCondition(isvc, type, "Unknown", "RevisionMissing", `Configuration is waiting for a Revision to become ready.`);
    }
    metadataOf(isvc).resourceVersion = nextResourceVersion();
  }

  function reconcile(serviceKey: string) {
    later(reconcileDelayMs, () => {
      const isvc = services.get(serviceKey);
      if (!isvc) return;
      const [namespace = "", name = ""] = serviceKey.split("/");
      const status = predictorStatus(isvc);
      const current = status.latestCreatedRevision;
      if (current === undefined || revisionTemplates.get(current) !== template(isvc)) {
        const number = (revisionCounters.get(serviceKey) ?? 0) + 1;
        revisionCounters.set(serviceKey, number);
        const revision = `${name}-predictor-${String(number).padStart(5, "0")}`;
        const storageUri = String((predictorSpec(isvc).model as JsonObject | undefined)?.storageUri ?? "");
        revisions.set(key(namespace, revision), makeRevision(namespace, name, revision, storageUri, number));
        revisionTemplates.set(revision, template(isvc));
        status.latestCreatedRevision = revision;
        writeStatus(isvc);
        if (!revisionsFailing) {
          later(revisionReadyDelayMs, () => {
            const latest = services.get(serviceKey);
            if (!latest || predictorStatus(latest).latestCreatedRevision !== revision) return;
            predictorStatus(latest).latestReadyRevision = revision;
            writeStatus(latest);
          });
        }
      } else {
        writeStatus(isvc);
      }
    });
  }

  function makeRevision(namespace: string, service: string, name: string, storageUri: string, generation: number): JsonObject {
    const revision = clone(fixture.revisions[0]!) as unknown as JsonObject;
    const metadata = metadataOf(revision);
    metadata.name = name;
    metadata.namespace = namespace;
    metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    (metadata.annotations as JsonObject)[STORAGE_URI_ANNOTATION] = storageUri;
    const labels = metadata.labels as JsonObject;
    labels["serving.knative.dev/configuration"] = `${service}-predictor`;
    labels["serving.knative.dev/service"] = `${service}-predictor`;
    labels["serving.knative.dev/configurationGeneration"] = String(generation);
    labels["serving.kserve.io/inferenceservice"] = service;
    return revision;
  }

  /** Applies a merge patch as the API server does; answers the HTTP status and body. */
  function patch(serviceKey: string, body: Json): { status: number; body: JsonObject } {
    const isvc = services.get(serviceKey);
    const [, name = ""] = serviceKey.split("/");
    if (!isvc) return { status: 404, body: statusBody(404, "NotFound", `inferenceservices.serving.kserve.io "${name}" not found`, { name, group: "serving.kserve.io", kind: "inferenceservices" }) };
    if (!isObject(body)) return { status: 400, body: statusBody(400, "BadRequest", "the patch is not a JSON object") };
    const precondition = isObject(body.metadata) ? body.metadata.resourceVersion : undefined;
    if (precondition !== undefined && precondition !== metadataOf(isvc).resourceVersion) {
      return {
        status: 409,
        body: statusBody(409, "Conflict", `Operation cannot be fulfilled on inferenceservices.serving.kserve.io "${name}": the object has been modified; please apply your changes to the latest version and try again`, {
          name,
          group: "serving.kserve.io",
          kind: "inferenceservices",
        }),
      };
    }
    const merged = mergePatch(isvc, body) as JsonObject;
    // The status subresource and the server-owned metadata cannot be written through a patch.
    merged.status = clone(isvc.status ?? {});
    for (const field of ["name", "namespace", "uid", "generation", "creationTimestamp", "resourceVersion"]) metadataOf(merged)[field] = metadataOf(isvc)[field]!;
    const canary = predictorSpec(merged).canaryTrafficPercent;
    if (canary !== undefined && (typeof canary !== "number" || !Number.isInteger(canary) || canary < 0 || canary > 100)) {
      return {
        status: 422,
        body: statusBody(422, "Invalid", `InferenceService.serving.kserve.io "${name}" is invalid: spec.predictor.canaryTrafficPercent: Invalid value: ${JSON.stringify(canary)}: must be an integer from 0 to 100`),
      };
    }
    const specChanged = JSON.stringify(merged.spec) !== JSON.stringify(isvc.spec);
    if (specChanged) metadataOf(merged).generation = Number(metadataOf(isvc).generation) + 1;
    metadataOf(merged).resourceVersion = nextResourceVersion();
    services.set(serviceKey, merged);
    if (specChanged) reconcile(serviceKey);
    return { status: 200, body: clone(merged) };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<number> {
    const answer = (status: number, body: JsonObject) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
      return status;
    };
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.headers.authorization !== `Bearer ${options.token}`) return answer(401, statusBody(401, "Unauthorized", "Unauthorized"));
    const path = new URL(request.url ?? "/", "http://fake").pathname;
    const isvcMatch = ISVC_PATH.exec(path);
    const revisionMatch = REVISION_PATH.exec(path);
    if (isvcMatch) {
      const serviceKey = key(isvcMatch[1]!, isvcMatch[2]!);
      if (request.method === "GET") {
        const isvc = services.get(serviceKey);
        return isvc
          ? answer(200, clone(isvc))
          : answer(404, statusBody(404, "NotFound", `inferenceservices.serving.kserve.io "${isvcMatch[2]}" not found`, { name: isvcMatch[2]!, group: "serving.kserve.io", kind: "inferenceservices" }));
      }
      if (request.method === "PATCH") {
        if (request.headers["content-type"] !== "application/merge-patch+json") {
          return answer(
            415,
            statusBody(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`),
          );
        }
        let body: Json;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Json;
        } catch {
          return answer(400, statusBody(400, "BadRequest", "the body is not JSON"));
        }
        if (conflictsPending > 0 && services.has(serviceKey)) {
          conflictsPending--;
          writeStatus(services.get(serviceKey)!);
        }
        const result = patch(serviceKey, body);
        return answer(result.status, result.body);
      }
      return answer(405, statusBody(405, "MethodNotAllowed", `the server does not allow this method on the requested resource`));
    }
    if (revisionMatch && request.method === "GET") {
      const revision = revisions.get(key(revisionMatch[1]!, revisionMatch[2]!));
      return revision
        ? answer(200, clone(revision))
        : answer(404, statusBody(404, "NotFound", `revisions.serving.knative.dev "${revisionMatch[2]}" not found`, { name: revisionMatch[2]!, group: "serving.knative.dev", kind: "revisions" }));
    }
    return answer(404, statusBody(404, "NotFound", "the server could not find the requested resource"));
  }

  const listener = (request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? "/";
    handle(request, response).then(
      (status) => log.push({ method: request.method ?? "", path, status }),
      (error: unknown) => {
        log.push({ method: request.method ?? "", path, status: 500 });
        response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify(statusBody(500, "InternalError", error instanceof Error ? error.message : String(error))));
      },
    );
  };
  const server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    inferenceService: (namespace, name) => {
      const isvc = services.get(key(namespace, name));
      return isvc ? clone(isvc) : undefined;
    },
    addSupportRouter: (namespace = "models", name = "support-router") => {
      const rename = (text: string) => text.replaceAll("support-router", name).replaceAll('"namespace":"models"', `"namespace":"${namespace}"`);
      const isvc = JSON.parse(rename(JSON.stringify(fixture.inferenceService))) as JsonObject;
      metadataOf(isvc).resourceVersion = nextResourceVersion();
      services.set(key(namespace, name), isvc);
      for (const revision of fixture.revisions) {
        const copy = JSON.parse(rename(JSON.stringify(revision))) as JsonObject;
        const revisionName = String(metadataOf(copy).name);
        revisions.set(key(namespace, revisionName), copy);
        const storageUri = String((metadataOf(copy).annotations as JsonObject)[STORAGE_URI_ANNOTATION]);
        revisionTemplates.set(revisionName, templateOf({ ...predictorSpec(isvc), model: { ...(predictorSpec(isvc).model as JsonObject), storageUri } }));
      }
      revisionCounters.set(key(namespace, name), fixture.revisions.length);
    },
    patchAsSomeoneElse: (namespace, name, body) => {
      const result = patch(key(namespace, name), body);
      if (result.status !== 200) throw new Error(`patch refused: ${JSON.stringify(result.body)}`);
    },
    conflictOnNextPatches: (count) => {
      conflictsPending = count;
    },
    setRevisionsFailing: (failing) => {
      revisionsFailing = failing;
    },
    requests: () => [...log],
    settled: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** A kubeconfig with one context that reaches `server` with a bearer token (and trusts `ca`, when given). */
export function kubeconfigFor(server: string, token: string, ca?: string | Buffer): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "current-context: test",
    "clusters:",
    "- name: fake",
    "  cluster:",
    `    server: ${server}`,
    ...(ca === undefined ? [] : [`    certificate-authority-data: ${Buffer.from(ca).toString("base64")}`]),
    "contexts:",
    "- name: test",
    "  context:",
    "    cluster: fake",
    "    user: reversegate",
    "users:",
    "- name: reversegate",
    "  user:",
    `    token: ${token}`,
    "",
  ].join("\n");
}

/** A self-signed certificate for 127.0.0.1 (by the openssl command), for the fake's HTTPS. */
export async function selfSignedCertificate(dir: string): Promise<{ key: Buffer; cert: Buffer }> {
  const keyPath = join(dir, "tls.key");
  const certPath = join(dir, "tls.crt");
  await new Promise<void>((resolve, reject) =>
    execFile(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", keyPath, "-out", certPath],
      (error, _stdout, stderr) => (error ? reject(new Error(`openssl: ${stderr || error.message}`)) : resolve()),
    ),
  );
  return { key: await readFile(keyPath), cert: await readFile(certPath) };
}
