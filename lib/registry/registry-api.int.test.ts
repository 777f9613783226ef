import { describe, expect, it } from "vitest";
import { DELETE as purgeVersion, GET as getVersion } from "@/app/api/v1/models/[model]/versions/[version]/route";
import { GET as listVersions, POST as registerVersion } from "@/app/api/v1/models/[model]/versions/route";
import { POST as createDeployment } from "@/app/api/v1/deployments/route";
import { POST as promote } from "@/app/api/v1/deployments/[deployment]/promotions/route";
import { db } from "@/lib/db";
import { makeToken, unique } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";
import { PINNED_VERSION_MESSAGE } from "./version-ref";

const digest = (char: string) => `sha256:${char.repeat(64)}`;

const versionBody = (version: string, char = "a") => ({
  version,
  artifactUri: `s3://models/${version}`,
  artifactDigest: digest(char),
  manifest: { weightsDigest: digest(char), promptTemplate: "routing-prompt@7", vectorIndexSnapshot: "idx-1" },
  offlineScores: { regression_set: 0.93, adversarial_bank: 0.88 },
});

async function register(token: string, model: string, body: unknown) {
  return registerVersion(apiRequest(`/api/v1/models/${model}/versions`, { token, body }), params({ model }));
}

describe("POST /api/v1/models/{model}/versions", () => {
  it("creates the model with its first version and answers 201 with the record", async () => {
    const { token } = await makeToken("OPERATOR");
    const model = unique("router");
    const response = await register(token, model, versionBody("v13"));
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body).toMatchObject({ model, version: "v13", artifactDigest: digest("a"), offlineScores: { regression_set: 0.93 } });
    expect(body.registeredBy).toMatch(/^token:token-/);
    expect(body.retention).toMatchObject({ purgeable: true, protectedBy: [], purgedAt: null });
    const audit = await db().auditEvent.findMany({ where: { targetId: `${model}:v13` } });
    expect(audit.map((a) => a.action)).toEqual(["model_version.register"]);
  });

  it("takes the artifact digest as the weights digest when no manifest is sent", async () => {
    const { token } = await makeToken("OPERATOR");
    const response = await register(token, unique("m"), { version: "v1", artifactUri: "s3://m/v1", artifactDigest: digest("c") });
    expect(response.status).toBe(201);
    expect((await response.json()).manifest).toEqual({ weightsDigest: digest("c") });
  });

  it("answers a replay with the same digest 200 and the same record, recording nothing new", async () => {
    const { token } = await makeToken("OPERATOR");
    const model = unique("router");
    const first = await (await register(token, model, versionBody("v13"))).json();
    const again = await register(token, model, versionBody("v13"));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
    expect(await db().auditEvent.count({ where: { targetId: `${model}:v13` } })).toBe(1);
  });

  it("answers 409 naming the existing digest when the version id is reused for another artifact", async () => {
    const { token } = await makeToken("OPERATOR");
    const model = unique("router");
    await register(token, model, versionBody("v13", "a"));
    const response = await register(token, model, versionBody("v13", "b"));
    expect(response.status).toBe(409);
    const body = await response.json();
    expect(body.message).toContain(`already registered with digest ${digest("a")}`);
    expect(body.existingDigest).toBe(digest("a"));
  });

  it("answers 409 when the same digest comes with a different manifest, since versions are immutable", async () => {
    const { token } = await makeToken("OPERATOR");
    const model = unique("router");
    await register(token, model, versionBody("v13"));
    const changed = versionBody("v13");
    changed.manifest.promptTemplate = "routing-prompt@8";
    const response = await register(token, model, changed);
    expect(response.status).toBe(409);
    expect((await response.json()).message).toContain("different manifest");
  });

  it.each(["latest", "stable", "@champion", "", "latest-1"])("refuses the moving reference %j with a 400 telling to pin", async (version) => {
    const { token } = await makeToken("OPERATOR");
    const response = await register(token, unique("m"), { ...versionBody("v1"), version });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.issues).toEqual([{ path: "version", message: PINNED_VERSION_MESSAGE }]);
    expect(body.message).toContain("pin an explicit version");
  });

  it("refuses a digest that is not sha256 + 64 hex, naming the field", async () => {
    const { token } = await makeToken("OPERATOR");
    const response = await register(token, unique("m"), { ...versionBody("v1"), artifactDigest: "md5:abc" });
    expect(response.status).toBe(400);
    expect((await response.json()).issues.map((i: { path: string }) => i.path)).toEqual(["artifactDigest"]);
  });

  it("refuses unknown keys in the manifest, naming them", async () => {
    const { token } = await makeToken("OPERATOR");
    const body = versionBody("v1");
    const response = await register(token, unique("m"), { ...body, manifest: { ...body.manifest, vectorIndex: "idx-2" } });
    expect(response.status).toBe(400);
    const error = await response.json();
    expect(error.issues[0].path).toBe("manifest");
    expect(error.message).toContain("vectorIndex");
  });

  it("refuses a manifest without a weights digest and a non-numeric score", async () => {
    const { token } = await makeToken("OPERATOR");
    const response = await register(token, unique("m"), { ...versionBody("v1"), manifest: { promptTemplate: "p@1" }, offlineScores: { regression_set: "high" } });
    expect(response.status).toBe(400);
    expect((await response.json()).issues.map((i: { path: string }) => i.path).sort()).toEqual(["manifest.weightsDigest", "offlineScores.regression_set"]);
  });

  it("refuses a model name that is not a slug", async () => {
    const { token } = await makeToken("OPERATOR");
    const response = await register(token, "Support Router", versionBody("v1"));
    expect(response.status).toBe(400);
    expect((await response.json()).issues[0].path).toBe("model");
  });

  it("answers 401 without a token and 403 to a viewer", async () => {
    const model = unique("m");
    const anonymous = await registerVersion(apiRequest(`/api/v1/models/${model}/versions`, { body: versionBody("v1") }), params({ model }));
    expect(anonymous.status).toBe(401);
    const { token } = await makeToken("VIEWER");
    const viewer = await register(token, model, versionBody("v1"));
    expect(viewer.status).toBe(403);
    expect(await db().model.count({ where: { slug: model } })).toBe(0);
  });
});

describe("GET /api/v1/models/{model}/versions", () => {
  it("lists versions newest first and answers 404 for an unknown model", async () => {
    const { token } = await makeToken("OPERATOR");
    const model = unique("router");
    await register(token, model, versionBody("v9", "9"));
    await register(token, model, versionBody("v10", "1"));
    const { token: viewer } = await makeToken("VIEWER");
    const listed = await listVersions(apiRequest(`/api/v1/models/${model}/versions`, { token: viewer }), params({ model }));
    expect(listed.status).toBe(200);
    const body = await listed.json();
    expect(body.versions.map((v: { version: string }) => v.version)).toEqual(["v10", "v9"]);
    expect(body.total).toBe(2);
    const unknown = await listVersions(apiRequest("/api/v1/models/nope-nope/versions", { token: viewer }), params({ model: "nope-nope" }));
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).message).toBe("model nope-nope not found");
  });

  it("names a bad query parameter", async () => {
    const { token } = await makeToken("VIEWER");
    const response = await listVersions(apiRequest("/api/v1/models/m1/versions?sort=size", { token }), params({ model: "m1" }));
    expect(response.status).toBe(400);
    expect((await response.json()).issues[0].path).toBe("query.sort");
  });
});

describe("DELETE /api/v1/models/{model}/versions/{version}", () => {
  async function deployedModel() {
    const { token: operator } = await makeToken("OPERATOR");
    const { token: admin } = await makeToken("ADMIN");
    const model = unique("router");
    for (const [version, char] of [["v1", "1"], ["v2", "2"], ["v3", "3"]] as const) await register(operator, model, versionBody(version, char));
    const deployment = unique("dep");
    const created = await createDeployment(
      apiRequest("/api/v1/deployments", { token: admin, body: { slug: deployment, model, serving: { kind: "http", baseUrl: "http://127.0.0.1:4010" } } }),
      params({}),
    );
    expect(created.status).toBe(201);
    for (const version of ["v1", "v2", "v3"]) {
      const promoted = await promote(apiRequest(`/api/v1/deployments/${deployment}/promotions`, { token: operator, body: { version } }), params({ deployment }));
      expect(promoted.status).toBe(201);
    }
    return { model, deployment, admin, operator };
  }
  const purge = (token: string, model: string, version: string) =>
    purgeVersion(apiRequest(`/api/v1/models/${model}/versions/${version}`, { token, method: "DELETE" }), params({ model, version }));

  it("refuses to purge the prior pinned version (the rollback target) or the live one", async () => {
    const { model, deployment, admin } = await deployedModel();
    const prior = await purge(admin, model, "v2");
    expect(prior.status).toBe(409);
    expect((await prior.json()).message).toBe(`${model}:v2 cannot be purged: it is the prior pinned version (rollback target) of ${deployment}`);
    const live = await purge(admin, model, "v3");
    expect(live.status).toBe(409);
    expect((await live.json()).message).toContain(`live on ${deployment}`);
    const row = await db().modelVersion.findFirst({ where: { version: "v2", model: { slug: model } } });
    expect(row?.purgedAt).toBeNull();
  });

  it("purges an older version, keeps its data, shows it in retention and audits it", async () => {
    const { model, admin } = await deployedModel();
    const response = await purge(admin, model, "v1");
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.retention.purgedAt).not.toBeNull();
    expect(body.retention.purgeable).toBe(false);
    expect(body.artifactDigest).toBe(digest("1"));
    const again = await purge(admin, model, "v1");
    expect(again.status).toBe(200);
    expect(await db().auditEvent.count({ where: { action: "model_version.purge", targetId: `${model}:v1` } })).toBe(1);
    const { token: viewer } = await makeToken("VIEWER");
    const shown = await getVersion(apiRequest(`/api/v1/models/${model}/versions/v1`, { token: viewer }), params({ model, version: "v1" }));
    expect((await shown.json()).retention.purgedAt).toBe(body.retention.purgedAt);
  });

  it("answers 403 to an operator and 404 for an unknown version", async () => {
    const { model, operator, admin } = await deployedModel();
    expect((await purge(operator, model, "v1")).status).toBe(403);
    const unknown = await purge(admin, model, "v99");
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).message).toBe(`version v99 of model ${model} not found`);
  });
});
