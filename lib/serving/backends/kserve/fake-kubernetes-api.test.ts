// The fake answers as the Kubernetes API server does, or the kserve tests prove nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mergePatch, startFakeKubernetesApi, type FakeKubernetesApi } from "./fake-kubernetes-api";

describe("mergePatch (RFC 7386)", () => {
  it("merges objects, deletes on null and replaces arrays and scalars", () => {
    expect(mergePatch({ a: "b", c: { d: "e", f: "g" } }, { a: "z", c: { f: null } })).toEqual({ a: "z", c: { d: "e" } });
    expect(mergePatch({ a: [{ b: "c" }] }, { a: [1] })).toEqual({ a: [1] });
    expect(mergePatch({ a: "b" }, { a: { c: null } })).toEqual({ a: {} });
    expect(mergePatch("text", { a: 1 })).toEqual({ a: 1 });
  });
});

describe("the fake Kubernetes API", () => {
  let fake: FakeKubernetesApi;
  const path = "/apis/serving.kserve.io/v1beta1/namespaces/models/inferenceservices/support-router";
  const call = async (method: string, body?: unknown, contentType = "application/merge-patch+json") => {
    const response = await fetch(`${fake.url}${path}`, {
      method,
      headers: { authorization: "Bearer t", ...(body === undefined ? {} : { "content-type": contentType }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { metadata: { generation: number; resourceVersion: string }; status: unknown; reason?: string } };
  };

  beforeEach(async () => {
    fake = await startFakeKubernetesApi({ token: "t" });
    fake.addSupportRouter();
  });
  afterEach(() => fake.stop());

  it("moves resourceVersion on every write and generation only on a spec change; status cannot be written through the resource", async () => {
    const before = (await call("GET")).body;
    const labelled = await call("PATCH", { metadata: { labels: { team: "ml" } }, status: { observedGeneration: 99 } });
    expect(labelled.body.metadata.generation).toBe(before.metadata.generation);
    expect(labelled.body.metadata.resourceVersion).not.toBe(before.metadata.resourceVersion);
    expect(labelled.body.status).toEqual(before.status);
    const changed = await call("PATCH", { spec: { predictor: { minReplicas: 2 } } });
    expect(changed.body.metadata.generation).toBe(before.metadata.generation + 1);
  });

  it("answers 409 Conflict for a stale resourceVersion, 415 for another patch type, 422 for an invalid canaryTrafficPercent", async () => {
    const stale = await call("PATCH", { metadata: { resourceVersion: "1" }, spec: { predictor: { canaryTrafficPercent: 10 } } });
    expect(stale).toMatchObject({ status: 409, body: { reason: "Conflict" } });
    expect(await call("PATCH", { spec: {} }, "application/json-patch+json")).toMatchObject({ status: 415, body: { reason: "UnsupportedMediaType" } });
    expect(await call("PATCH", { spec: { predictor: { canaryTrafficPercent: 101 } } })).toMatchObject({ status: 422, body: { reason: "Invalid" } });
  });

  it("refuses a request without the bearer token", async () => {
    const response = await fetch(`${fake.url}${path}`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ kind: "Status", reason: "Unauthorized", code: 401 });
  });
});
