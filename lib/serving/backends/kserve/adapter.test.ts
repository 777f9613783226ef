// The kserve adapter against our fake Kubernetes API (fake-kubernetes-api.ts): no Kubernetes runs
// here, so this is the API server's and KServe's controller's documented behaviour, simulated.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ServingAdapter } from "../../port";
import { kserveBackend } from ".";
import { kubeconfigFor, selfSignedCertificate, startFakeKubernetesApi, type FakeKubernetesApi } from "./fake-kubernetes-api";
import { inClusterConnection, kubernetesRequest } from "./kubernetes-client";

const TOKEN = "fake-service-account-token";
const deps = { secret: () => undefined, timeoutMs: 2_000, retries: 0, backoffMs: 10, inClusterKubernetesApi: undefined };
const STORAGE = "s3://models/support-router/{version}";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rg-kserve-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function adapterFor(fake: FakeKubernetesApi, overrides: Record<string, unknown> = {}, token = TOKEN): Promise<ServingAdapter> {
  const kubeconfig = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  await writeFile(kubeconfig, kubeconfigFor(fake.url, token));
  return kserveBackend.create({ namespace: "models", inferenceService: "support-router", storageUris: STORAGE, kubeconfig, rolloutTimeoutSeconds: 5, ...overrides }, deps);
}

describe("the kserve adapter on the fake Kubernetes API", () => {
  let fake: FakeKubernetesApi;
  let serving: ServingAdapter;

  beforeEach(async () => {
    fake = await startFakeKubernetesApi({ token: TOKEN });
    fake.addSupportRouter();
    serving = await adapterFor(fake);
  });
  afterEach(() => fake.stop());

  const predictor = () => (fake.inferenceService("models", "support-router") as { spec: { predictor: Record<string, unknown> } }).spec.predictor;
  const predictorStatus = () =>
    (fake.inferenceService("models", "support-router") as { status: { components: { predictor: Record<string, unknown> } } }).status.components.predictor;

  it("reads the pinned storageUri and the revisions' traffic as versions", async () => {
    expect(await serving.getStatus("support-router")).toEqual({
      deployment: "support-router",
      pinnedVersion: "v14",
      traffic: [{ version: "v14", percent: 100 }],
      stickiness: "none",
      ready: true,
      revision: 2,
      manifest: null,
      consumers: [],
    });
  });

  it("pins the prior with no traffic, ramps it to 10% and then all of it, as KServe's canary rollout does", async () => {
    const pinned = await serving.pinVersion("d", { version: "v13", expectedRevision: 2 });
    // A new revision of v13 exists and is ready; v14's revision, the last rolled out, keeps the traffic.
    expect(pinned).toMatchObject({ pinnedVersion: "v13", traffic: [{ version: "v14", percent: 100 }], ready: true, revision: 3 });
    expect(predictor()).toMatchObject({ canaryTrafficPercent: 0, model: { storageUri: "s3://models/support-router/v13" } });
    expect(predictorStatus()).toMatchObject({ latestReadyRevision: "support-router-predictor-00003", latestRolledoutRevision: "support-router-predictor-00002" });

    const ramped = await serving.setTraffic("d", { weights: [{ version: "v13", percent: 10 }, { version: "v14", percent: 90 }], expectedRevision: 3 });
    expect(ramped).toMatchObject({ pinnedVersion: "v13", traffic: [{ version: "v14", percent: 90 }, { version: "v13", percent: 10 }], revision: 4 });
    expect(predictorStatus().traffic).toEqual([
      { latestRevision: true, percent: 10, revisionName: "support-router-predictor-00003" },
      { latestRevision: false, percent: 90, revisionName: "support-router-predictor-00002", tag: "prev" },
    ]);

    const all = await serving.setTraffic("d", { weights: [{ version: "v13", percent: 100 }], expectedRevision: 4 });
    expect(all).toMatchObject({ pinnedVersion: "v13", traffic: [{ version: "v13", percent: 100 }], ready: true, revision: 5 });
    // KServe's promotion: the field is removed, and the v13 revision becomes the rolled-out one.
    expect(predictor()).not.toHaveProperty("canaryTrafficPercent");
    expect(predictorStatus()).toMatchObject({ latestRolledoutRevision: "support-router-predictor-00003", previousRolledoutRevision: "support-router-predictor-00002" });
  });

  it("changes nothing when the spec already says so", async () => {
    await serving.pinVersion("d", { version: "v13" });
    const patches = fake.requests().filter((r) => r.method === "PATCH").length;
    expect(await serving.pinVersion("d", { version: "v13" })).toMatchObject({ pinnedVersion: "v13", revision: 3 });
    expect(fake.requests().filter((r) => r.method === "PATCH")).toHaveLength(patches);
  });

  it("re-reads and patches again after a 409 Conflict from a status write", async () => {
    fake.conflictOnNextPatches(2);
    const status = await serving.pinVersion("d", { version: "v13", expectedRevision: 2 });
    expect(status).toMatchObject({ pinnedVersion: "v13", revision: 3 });
    const statuses = fake.requests().filter((r) => r.method === "PATCH").map((r) => r.status);
    expect(statuses).toEqual([409, 409, 200]);
  });

  it("refuses as stale when someone else changed the spec since the caller read it", async () => {
    fake.patchAsSomeoneElse("models", "support-router", { spec: { predictor: { minReplicas: 2 } } });
    const refused = await serving.pinVersion("d", { version: "v13", expectedRevision: 2 }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ kind: "stale_revision", currentRevision: 3, message: "InferenceService models/support-router changed since it was read (generation 3, expected 2)" });
    expect(predictor()).toMatchObject({ model: { storageUri: "s3://models/support-router/v14" } });
  });

  it("refuses a split KServe cannot make, naming the two versions it can split between", async () => {
    const refused = serving.setTraffic("d", { weights: [{ version: "v14", percent: 80 }, { version: "v12", percent: 20 }], expectedRevision: 2 });
    await expect(refused).rejects.toMatchObject({
      kind: "rejected",
      message:
        "InferenceService models/support-router: KServe splits traffic only between the pinned version (v14, its latest revision) and the last revision rolled out with all traffic (v14); it cannot send v12 20%",
    });
  });

  it("times out naming the condition when the new revision never becomes ready", async () => {
    fake.setRevisionsFailing(true);
    const slow = await adapterFor(fake, { rolloutTimeoutSeconds: 1 });
    const refused = await slow.pinVersion("d", { version: "v13", expectedRevision: 2 }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ kind: "timeout", retryable: false });
    expect(String((refused as Error).message)).toMatch(/^InferenceService models\/support-router: KServe has not rolled out generation 3 within 1 s \(observed generation 3; .*Ready False \(RevisionFailed: Revision "support-router-predictor-00003" failed/);
  });

  it("answers not_found for a missing InferenceService and unauthorized for a wrong token", async () => {
    const missing = await adapterFor(fake, { inferenceService: "nope" });
    await expect(missing.getStatus("d")).rejects.toMatchObject({ kind: "not_found", message: "InferenceService models/nope not found; create it first (Reversegate pins versions on an existing InferenceService)" });
    const stranger = await adapterFor(fake, {}, "wrong-token");
    await expect(stranger.getStatus("d")).rejects.toMatchObject({ kind: "unauthorized", message: expect.stringContaining("401 Unauthorized") });
  });

  it("refuses to pin an InferenceService whose predictor is framework-specific", async () => {
    fake.patchAsSomeoneElse("models", "support-router", { spec: { predictor: { model: null, sklearn: { storageUri: "s3://models/support-router/v14" } } } });
    await expect(serving.pinVersion("d", { version: "v13" })).rejects.toMatchObject({ kind: "rejected", message: expect.stringContaining("has no spec.predictor.model") });
  });
});

describe("reaching the Kubernetes API", () => {
  let fake: FakeKubernetesApi;
  let cert: { key: Buffer; cert: Buffer };

  beforeAll(async () => {
    cert = await selfSignedCertificate(dir);
    fake = await startFakeKubernetesApi({ token: TOKEN, tls: cert });
    fake.addSupportRouter();
  });
  afterAll(() => fake.stop());

  it("uses the pod's service account: token and CA from the mounted directory, server from KUBERNETES_SERVICE_HOST", async () => {
    const account = join(dir, "serviceaccount");
    await mkdir(account);
    await writeFile(join(account, "token"), `${TOKEN}\n`);
    await writeFile(join(account, "ca.crt"), cert.cert);
    const connection = await inClusterConnection(fake.url, account);
    expect(connection.source).toBe("in-cluster service account");
    expect(await connection.token()).toBe(TOKEN);
    expect(await kubernetesRequest(connection, { method: "GET", path: "/apis/serving.kserve.io/v1beta1/namespaces/models/inferenceservices/support-router" }, 2_000)).toMatchObject({
      metadata: { generation: 2 },
    });
  });

  it("trusts the kubeconfig's CA over HTTPS, and refuses a server it cannot verify", async () => {
    const trusted = join(dir, "kubeconfig-tls");
    await writeFile(trusted, kubeconfigFor(fake.url, TOKEN, cert.cert));
    const serving = kserveBackend.create({ namespace: "models", inferenceService: "support-router", storageUris: STORAGE, kubeconfig: trusted }, deps);
    expect(await serving.getStatus("d")).toMatchObject({ pinnedVersion: "v14" });

    const untrusted = join(dir, "kubeconfig-no-ca");
    await writeFile(untrusted, kubeconfigFor(fake.url, TOKEN));
    const refused = kserveBackend.create({ namespace: "models", inferenceService: "support-router", storageUris: STORAGE, kubeconfig: untrusted }, deps);
    await expect(refused.getStatus("d")).rejects.toMatchObject({ kind: "unreachable", message: expect.stringContaining("SELF_SIGNED_CERT") });
  });

  it("says what is wrong with the configuration as a misconfigured backend", async () => {
    const missing = kserveBackend.create({ namespace: "models", inferenceService: "support-router", storageUris: STORAGE, kubeconfig: join(dir, "absent") }, deps);
    await expect(missing.getStatus("d")).rejects.toMatchObject({ kind: "misconfigured", message: `cannot read the kubeconfig ${join(dir, "absent")} (ENOENT)` });

    const exec = join(dir, "kubeconfig-exec");
    await writeFile(exec, kubeconfigFor(fake.url, TOKEN).replace(`    token: ${TOKEN}`, "    exec:\n      command: aws"));
    const plugin = kserveBackend.create({ namespace: "models", inferenceService: "support-router", storageUris: STORAGE, kubeconfig: exec }, deps);
    await expect(plugin.getStatus("d")).rejects.toMatchObject({ kind: "misconfigured", message: expect.stringContaining("exec plugin or auth provider") });

    const outside = kserveBackend.create({ namespace: "models", inferenceService: "support-router", storageUris: STORAGE }, deps);
    await expect(outside.getStatus("d")).rejects.toMatchObject({ kind: "misconfigured", message: expect.stringContaining("KUBERNETES_SERVICE_HOST is not set") });
  });
});
