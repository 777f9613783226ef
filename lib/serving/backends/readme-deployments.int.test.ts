// The README's "Serving backends" bodies are real: each creates a deployment through the API, which
// then shows its kind, where it points and what it can do. A body that drifts from the schemas fails here.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GET as getDeployment } from "@/app/api/v1/deployments/[deployment]/route";
import { POST as createDeployment } from "@/app/api/v1/deployments/route";
import { POST as registerVersion } from "@/app/api/v1/models/[model]/versions/route";
import { GET as openApi } from "@/app/api/v1/openapi.json/route";
import { makeToken, unique } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";

const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
const section = readme.slice(readme.indexOf("### Serving backends"), readme.indexOf("\n## ", readme.indexOf("### Serving backends")));
const bodies = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1]!) as { serving: { kind: string } } & Record<string, unknown>);

async function newModel(token: string) {
  const model = unique("router");
  const response = await registerVersion(
    apiRequest(`/api/v1/models/${model}/versions`, {
      token,
      body: { version: "v13", artifactUri: `s3://models/${model}/v13`, artifactDigest: `sha256:${"a".repeat(64)}`, manifest: { weightsDigest: `sha256:${"b".repeat(64)}` } },
    }),
    params({ model }),
  );
  expect(response.status).toBe(201);
  return model;
}

describe("the README's serving backends", () => {
  it("has one deployment body for each registered kind", () => {
    expect(bodies.map((body) => body.serving.kind)).toEqual(["http", "haproxy", "kserve"]);
  });

  it.each(bodies.map((body) => [body.serving.kind, body] as const))("creates a %s deployment that shows its backend", async (kind, body) => {
    const { token } = await makeToken("ADMIN");
    const slug = unique(kind);
    const created = await createDeployment(apiRequest("/api/v1/deployments", { token, body: { ...body, slug, model: await newModel(token) } }), params({}));
    expect(created.status, await created.clone().text()).toBe(201);
    const shown = (await (await getDeployment(apiRequest(`/api/v1/deployments/${slug}`, { token }), params({ deployment: slug }))).json()) as {
      serving: { kind: string; target: string; capabilities: Record<string, boolean>; problem: string | null };
    };
    const expected = {
      http: { target: "https://serving.internal:4010", capabilities: { ramp: true, instantFlip: true, stickiness: false, consumerInvalidation: true, manifestRestore: true } },
      haproxy: {
        target: "backend support_router via /run/haproxy/admin.sock",
        capabilities: { ramp: true, instantFlip: true, stickiness: false, consumerInvalidation: false, manifestRestore: false },
      },
      kserve: {
        target: "InferenceService models/support-router via kubeconfig /etc/reversegate/kubeconfig",
        capabilities: { ramp: true, instantFlip: true, stickiness: false, consumerInvalidation: false, manifestRestore: false },
      },
    }[kind];
    expect(shown.serving).toMatchObject({ kind, problem: null, ...expected });
  });

  it("names the field a haproxy or kserve configuration gets wrong", async () => {
    const { token } = await makeToken("ADMIN");
    const model = await newModel(token);
    const refused = async (serving: Record<string, unknown>) => {
      const response = await createDeployment(apiRequest("/api/v1/deployments", { token, body: { slug: unique("bad"), model, serving } }), params({}));
      expect(response.status).toBe(400);
      return ((await response.json()) as { issues: { path: string; message: string }[] }).issues;
    };
    expect(await refused({ kind: "haproxy", socket: "admin.sock", backend: "b" })).toEqual([expect.objectContaining({ path: "serving.socket", message: expect.stringContaining("unix path") })]);
    expect(await refused({ kind: "haproxy", socket: "/s", backend: "b", servers: "srv" })).toEqual([
      expect.objectContaining({ path: "serving.servers", message: expect.stringContaining("{version} exactly once") }),
    ]);
    expect(await refused({ kind: "kserve", namespace: "Models", inferenceService: "x", storageUris: "s3://m/{version}" })).toEqual([
      expect.objectContaining({ path: "serving.namespace" }),
    ]);
    expect(await refused({ kind: "kserve", namespace: "m", inferenceService: "x", storageUris: "s3://m/{version}", context: "prod" })).toEqual([
      expect.objectContaining({ path: "serving.context", message: "context applies only with a kubeconfig" }),
    ]);
  });

  it("lists every kind in the OpenAPI document", async () => {
    const document = (await (await openApi()).json()) as object;
    const text = JSON.stringify(document);
    for (const kind of ["http", "haproxy", "kserve"]) expect(text).toContain(`"const":"${kind}"`);
  });
});
