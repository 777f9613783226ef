import { describe, expect, it } from "vitest";
import { GET as getDeployment } from "@/app/api/v1/deployments/[deployment]/route";
import { POST as promote } from "@/app/api/v1/deployments/[deployment]/promotions/route";
import { GET as listDeployments, POST as createDeployment } from "@/app/api/v1/deployments/route";
import { POST as registerVersion } from "@/app/api/v1/models/[model]/versions/route";
import { GET as openApi } from "@/app/api/v1/openapi.json/route";
import { db } from "@/lib/db";
import { makeToken, unique } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";
import { applyEvent } from "./lifecycle";
import { loadDeploymentSnapshot, saveDeploymentSnapshot } from "./snapshot-store";

const digest = (char: string) => `sha256:${char.repeat(64)}`;

async function modelWithVersions(versions: string[]) {
  const { token } = await makeToken("OPERATOR");
  const model = unique("router");
  for (const [index, version] of versions.entries()) {
    const char = "abcdef0123456789"[index]!;
    const response = await registerVersion(
      apiRequest(`/api/v1/models/${model}/versions`, {
        token,
        body: {
          version,
          artifactUri: `s3://m/${version}`,
          artifactDigest: digest(char),
          manifest: { weightsDigest: digest(char), vectorIndexSnapshot: `idx-${version}`, agentMemoryCheckpoint: "mem-1" },
        },
      }),
      params({ model }),
    );
    expect(response.status).toBe(201);
  }
  return model;
}

async function newDeployment(model: string, extra: Record<string, unknown> = {}) {
  const { token } = await makeToken("ADMIN");
  const slug = unique("dep");
  const body = { slug, model, serving: { kind: "http", baseUrl: "http://127.0.0.1:4010" }, ...extra };
  return { slug, response: await createDeployment(apiRequest("/api/v1/deployments", { token, body }), params({})) };
}

async function promoteAs(token: string, deployment: string, body: unknown) {
  return promote(apiRequest(`/api/v1/deployments/${deployment}/promotions`, { token, body }), params({ deployment }));
}

/** Rolls the live version back through the lifecycle, as the rollback workflow will. */
async function rollBack(deployment: string) {
  const { id } = await db().deployment.findUniqueOrThrow({ where: { slug: deployment } });
  await db().$transaction(async (tx) => {
    let stored = await loadDeploymentSnapshot(tx, id);
    const begun = applyEvent(stored.snapshot, { type: "begin_rollback" });
    if (!begun.ok) throw new Error(begun.error.message);
    await saveDeploymentSnapshot(tx, stored, begun.value);
    stored = await loadDeploymentSnapshot(tx, id);
    const done = applyEvent(stored.snapshot, { type: "complete_rollback" });
    if (!done.ok) throw new Error(done.error.message);
    await saveDeploymentSnapshot(tx, stored, done.value, { productionFailure: { version: stored.snapshot.live!, description: "routed nicknames to catch-all" } });
  });
}

describe("POST /api/v1/deployments", () => {
  it("creates a deployment with its consumers and nothing live (ADMIN)", async () => {
    const model = await modelWithVersions(["v1"]);
    const { slug, response } = await newDeployment(model, { consumers: ["triage-agent", "reply-drafter"] });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      slug,
      model,
      state: "STABLE",
      liveVersion: null,
      priorVersion: null,
      traffic: [],
      serving: {
        kind: "http",
        target: "http://127.0.0.1:4010",
        config: { baseUrl: "http://127.0.0.1:4010", secretEnv: "SERVING_SECRET" },
        capabilities: { ramp: true, instantFlip: true, stickiness: true, consumerInvalidation: true, manifestRestore: true },
        problem: null,
      },
      consumers: [{ name: "reply-drafter" }, { name: "triage-agent" }],
      health: { label: "nothing live" },
    });
    expect(await db().auditEvent.count({ where: { action: "deployment.create", targetId: slug } })).toBe(1);
  });

  it("answers 404 for an unknown model and 409 for a slug in use", async () => {
    const missing = await newDeployment("no-such-model");
    expect(missing.response.status).toBe(404);
    expect((await missing.response.json()).message).toContain("model no-such-model");
    const model = await modelWithVersions(["v1"]);
    const { slug } = await newDeployment(model);
    const { token } = await makeToken("ADMIN");
    const again = await createDeployment(
      apiRequest("/api/v1/deployments", { token, body: { slug, model, serving: { kind: "http", baseUrl: "http://127.0.0.1:4011" } } }),
      params({}),
    );
    expect(again.status).toBe(409);
    expect((await again.json()).message).toBe(`deployment ${slug} already exists`);
  });

  it("names a bad serving kind, base URL, stored secret and duplicate consumers", async () => {
    const { token } = await makeToken("ADMIN");
    const refused = async (serving: unknown, consumers?: string[]) => {
      const response = await createDeployment(apiRequest("/api/v1/deployments", { token, body: { slug: "x-dep", model: "x-model", serving, consumers } }), params({}));
      expect(response.status).toBe(400);
      return (await response.json()) as { message: string; issues: { path: string }[] };
    };
    const wrongKind = await refused({ kind: "grpc", baseUrl: "ftp://x" }, ["a", "a"]);
    expect(wrongKind.issues.map((i) => i.path).sort()).toEqual(["consumers", "serving.kind"]);
    expect(wrongKind.message).toContain('serving.kind: kind must be one of "http"');
    expect((await refused({ kind: "http", baseUrl: "ftp://x" })).issues.map((i) => i.path)).toEqual(["serving.baseUrl"]);
    // A secret is named by its environment variable; the value itself is never accepted.
    expect((await refused({ kind: "http", baseUrl: "http://x", secret: "plaintext" })).issues.map((i) => i.path)).toEqual(["serving"]);
  });

  it("answers 403 to an operator", async () => {
    const { token } = await makeToken("OPERATOR");
    const response = await createDeployment(
      apiRequest("/api/v1/deployments", { token, body: { slug: "x-dep", model: "x", serving: { kind: "http", baseUrl: "http://x" } } }),
      params({}),
    );
    expect(response.status).toBe(403);
  });
});

describe("POST /api/v1/deployments/{deployment}/promotions", () => {
  it("puts the version live, makes the replaced one the prior, and keeps the evidence", async () => {
    const model = await modelWithVersions(["v13", "v14"]);
    const { slug } = await newDeployment(model);
    const { token } = await makeToken("OPERATOR");
    expect((await promoteAs(token, slug, { version: "v13" })).status).toBe(201);
    const evidence = { shadowWindow: { from: "2026-06-10T00:00:00Z", to: "2026-06-14T00:00:00Z" }, scores: { regression_set: 0.94 }, replacedScores: { regression_set: 0.93 } };
    const response = await promoteAs(token, slug, { version: "v14", evidence, floor: 0.905 });
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body.promotion).toMatchObject({ version: "v14", replacedVersion: "v13", evidence, floor: 0.905, override: false, applied: false });
    expect(body.deployment).toMatchObject({ liveVersion: "v14", priorVersion: "v13", traffic: [{ version: "v14", percent: 100 }], health: { label: "healthy" } });
    expect(body.deployment.versions.map((v: { version: string; status: string }) => `${v.version}:${v.status}`)).toEqual(["v13:SUPERSEDED", "v14:LIVE"]);
    expect(body.deployment.manifests.rollbackDiff).toEqual({
      changed: ["weights", "vectorIndex"],
      splitBrainCategories: ["agentMemory"],
      splitBrainRisk: true,
    });
  });

  it("answers 404 for an unknown version or deployment", async () => {
    const model = await modelWithVersions(["v1"]);
    const { slug } = await newDeployment(model);
    const { token } = await makeToken("OPERATOR");
    const version = await promoteAs(token, slug, { version: "v7" });
    expect(version.status).toBe(404);
    expect((await version.json()).message).toBe(`version v7 of model ${model} not found`);
    const deployment = await promoteAs(token, "no-such-deployment", { version: "v1" });
    expect(deployment.status).toBe(404);
  });

  it("refuses a moving reference and promoting what is already live", async () => {
    const model = await modelWithVersions(["v1"]);
    const { slug } = await newDeployment(model);
    const { token } = await makeToken("OPERATOR");
    const moving = await promoteAs(token, slug, { version: "latest" });
    expect(moving.status).toBe(400);
    expect((await moving.json()).message).toContain("pin an explicit version");
    expect((await promoteAs(token, slug, { version: "v1" })).status).toBe(201);
    const twice = await promoteAs(token, slug, { version: "v1" });
    expect(twice.status).toBe(409);
    expect((await twice.json()).message).toContain("v1 is already live");
  });

  it("refuses a version rolled back on this deployment without override, and records and audits the override", async () => {
    const model = await modelWithVersions(["v13", "v14"]);
    const { slug } = await newDeployment(model);
    const { token } = await makeToken("OPERATOR");
    await promoteAs(token, slug, { version: "v13" });
    await promoteAs(token, slug, { version: "v14" });
    await rollBack(slug);

    const refused = await promoteAs(token, slug, { version: "v14" });
    expect(refused.status).toBe(409);
    expect((await refused.json()).message).toContain("v14 was rolled back on this deployment; promoting it again requires an override");
    const { token: viewer } = await makeToken("VIEWER");
    const unchanged = await (await getDeployment(apiRequest(`/api/v1/deployments/${slug}`, { token: viewer }), params({ deployment: slug }))).json();
    expect(unchanged).toMatchObject({ liveVersion: "v13", priorVersion: null });
    expect(unchanged.versions.find((v: { version: string }) => v.version === "v14")).toMatchObject({ status: "ROLLED_BACK", productionFailure: "routed nicknames to catch-all" });

    const overridden = await promoteAs(token, slug, { version: "v14", override: true });
    expect(overridden.status).toBe(201);
    const body = await overridden.json();
    expect(body.promotion.override).toBe(true);
    expect(body.deployment).toMatchObject({ liveVersion: "v14", priorVersion: "v13" });
    const audit = await db().auditEvent.findMany({ where: { targetId: slug, action: { startsWith: "deployment.promote" } }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["deployment.promote", "deployment.promote", "deployment.promote.override"]);
    expect(audit[2]!.after).toMatchObject({ live: "v14", override: true, overrodeStatus: "ROLLED_BACK" });
  });

  it("answers 403 to a viewer and 401 without a token", async () => {
    const { token } = await makeToken("VIEWER");
    expect((await promoteAs(token, "any-dep", { version: "v1" })).status).toBe(403);
    const anonymous = await promote(apiRequest("/api/v1/deployments/any-dep/promotions", { body: { version: "v1" } }), params({ deployment: "any-dep" }));
    expect(anonymous.status).toBe(401);
  });
});

describe("GET /api/v1/deployments", () => {
  it("lists deployments with live and prior versions and last promotion, filtered by model", async () => {
    const model = await modelWithVersions(["v1", "v2"]);
    const { slug } = await newDeployment(model);
    const { token } = await makeToken("OPERATOR");
    await promoteAs(token, slug, { version: "v1" });
    await promoteAs(token, slug, { version: "v2" });
    const { token: viewer } = await makeToken("VIEWER");
    const response = await listDeployments(apiRequest(`/api/v1/deployments?model=${model}`, { token: viewer }), params({}));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.total).toBe(1);
    expect(body.deployments[0]).toMatchObject({ slug, liveVersion: "v2", priorVersion: "v1", lastPromotion: { version: "v2", replacedVersion: "v1" }, lastRollback: null });
  });

  it("answers one deployment by slug, 404 for an unknown one, and names a bad state filter", async () => {
    const { token } = await makeToken("VIEWER");
    const unknown = await getDeployment(apiRequest("/api/v1/deployments/nope-dep", { token }), params({ deployment: "nope-dep" }));
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).message).toBe("deployment nope-dep not found");
    const bad = await listDeployments(apiRequest("/api/v1/deployments?state=BROKEN", { token }), params({}));
    expect(bad.status).toBe(400);
    expect((await bad.json()).issues[0].path).toBe("query.state");
  });
});

describe("GET /api/v1/openapi.json", () => {
  it("documents every registry and deployment route with the handlers' own request schemas", async () => {
    const document = await (await openApi()).json();
    expect(document.openapi).toBe("3.1.0");
    const register = document.paths["/api/v1/models/{model}/versions"].post;
    expect(register.requestBody.content["application/json"].schema.required).toEqual(["version", "artifactUri", "artifactDigest"]);
    expect(register.requestBody.content["application/json"].schema.additionalProperties).toBe(false);
    expect(Object.keys(register.responses).sort()).toEqual(["200", "201", "400", "401", "403", "409"]);
    expect(document.paths["/api/v1/deployments/{deployment}/promotions"].post["x-required-role"]).toBe("OPERATOR");
    expect(document.paths["/api/v1/models/{model}/versions/{version}"].delete.parameters.map((p: { name: string }) => p.name)).toEqual(["model", "version"]);
  });
});
