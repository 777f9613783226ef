// Issue 9 items 6 and 7: a token acts for the person who made it — never for more than they may
// do now, and never as a second person for the two-person rule.
import { afterAll, describe, expect, it } from "vitest";
import { POST as createDeployment } from "@/app/api/v1/deployments/route";
import { POST as requestRollback } from "@/app/api/v1/deployments/[deployment]/rollbacks/route";
import { GET as me } from "@/app/api/v1/me/route";
import { POST as registerVersion } from "@/app/api/v1/models/[model]/versions/route";
import { POST as approveRoute } from "@/app/api/v1/rollbacks/[id]/approve/route";
import { GET as getRollback } from "@/app/api/v1/rollbacks/[id]/route";
import { SYSTEM_ACTOR } from "@/lib/actor";
import { createApiToken } from "@/lib/auth/api-tokens";
import { db } from "@/lib/db";
import { stopBoss } from "@/lib/jobs/boss";
import { newRequestId, runMutation } from "@/lib/mutation";
import { makeDeployment, makeRollbackPlan, makeToken, makeUser, unique } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";
import { sessionCookie } from "@/lib/testing/session";

afterAll(() => stopBoss());

async function cliToken(role: "OPERATOR" | "APPROVER" | "ADMIN") {
  const actor = { ...SYSTEM_ACTOR, label: "cli:npm run token" };
  return runMutation({ actor, requestId: newRequestId() }, "ADMIN", (scope) => createApiToken(scope, { name: unique("cli"), role }));
}

async function openRollback(token: string) {
  const { deployment } = await makeDeployment();
  const response = await requestRollback(
    apiRequest(`/api/v1/deployments/${deployment.slug}/rollbacks`, { token, body: { mode: "instant", reason: "canary below floor" } }),
    params({ deployment: deployment.slug }),
  );
  expect(response.status).toBe(201);
  return { deployment, id: ((await response.json()) as { id: string }).id };
}

const approveWith = (id: string, auth: { token?: string; session?: string }) =>
  approveRoute(apiRequest(`/api/v1/rollbacks/${id}/approve`, { method: "POST", ...auth }), params({ id }));

describe("a demoted user's tokens", () => {
  it("act with the creator's current role: an ADMIN's token stops creating deployments once they are VIEWER", async () => {
    const { token, user } = await makeToken("ADMIN");
    await db().user.update({ where: { id: user.id }, data: { role: "VIEWER" } });
    const response = await createDeployment(
      apiRequest("/api/v1/deployments", { token, body: { slug: unique("d"), model: unique("m"), serving: { kind: "http", baseUrl: "http://127.0.0.1:4010" } } }),
      params({}),
    );
    expect(response.status).toBe(403);
    expect((await (await me(apiRequest("/api/v1/me", { token }), params({}))).json()).role).toBe("VIEWER");
  });

  it("never act above the token's own role when the creator is promoted", async () => {
    const { token, user } = await makeToken("OPERATOR");
    await db().user.update({ where: { id: user.id }, data: { role: "ADMIN" } });
    expect((await (await me(apiRequest("/api/v1/me", { token }), params({}))).json()).role).toBe("OPERATOR");
  });
});

describe("tokens made by the CLI", () => {
  it("keep their role and say in the audit log that they act for no person", async () => {
    const { token, record } = await cliToken("OPERATOR");
    const created = await db().auditEvent.findFirstOrThrow({ where: { action: "api_token.create", targetId: record.id } });
    expect(created.after).toMatchObject({ actsFor: "nobody (made by the CLI)" });
    const model = unique("m");
    const response = await registerVersion(
      apiRequest(`/api/v1/models/${model}/versions`, { token, body: { version: "v1", artifactUri: "s3://m/v1", artifactDigest: `sha256:${"b".repeat(64)}` } }),
      params({ model }),
    );
    expect(response.status).toBe(201);
    const event = await db().auditEvent.findFirstOrThrow({ where: { action: "model_version.register", targetId: `${model}:v1` } });
    expect(event.actorLabel).toBe(`token:${record.name} (cli)`);
  });
});

describe("the two-person rule compares people", () => {
  it("refuses an admin who requested with their own token and approves in their own session", async () => {
    const admin = await makeToken("ADMIN");
    const { id } = await openRollback(admin.token);
    const response = await approveWith(id, { session: await sessionCookie(admin.user.id) });
    expect(response.status).toBe(403);
    expect((await response.json()).message).toContain("someone other than the requester");
    expect((await db().rollbackOperation.findUniqueOrThrow({ where: { id } })).status).toBe("AWAITING_APPROVAL");
  });

  it("refuses the same person approving with a second token of their own", async () => {
    const admin = await makeToken("ADMIN");
    const { id } = await openRollback(admin.token);
    const second = await runMutation({ actor: { ...admin.actor, role: "ADMIN" }, requestId: newRequestId() }, "ADMIN", (scope) =>
      createApiToken(scope, { name: unique("second"), role: "APPROVER" }),
    );
    expect((await approveWith(id, { token: second.token })).status).toBe(403);
  });

  it("records the person behind an approving token as the approver, and shows them", async () => {
    const operator = await makeToken("OPERATOR");
    const approver = await makeToken("APPROVER");
    const { id } = await openRollback(operator.token);
    expect((await approveWith(id, { token: approver.token })).status).toBe(200);
    expect((await db().rollbackOperation.findUniqueOrThrow({ where: { id } })).approvedById).toBe(approver.user.id);
    const view = await (await getRollback(apiRequest(`/api/v1/rollbacks/${id}`, { token: operator.token }), params({ id }))).json();
    expect(view.approvedBy).toBe(approver.user.email);
  });

  it("refuses an approval by a CLI token, which is no person", async () => {
    const operator = await makeToken("OPERATOR");
    const { id } = await openRollback(operator.token);
    const cli = await cliToken("APPROVER");
    const response = await approveWith(id, { token: cli.token });
    expect(response.status).toBe(403);
    expect((await response.json()).message).toContain("person");
    expect((await db().rollbackOperation.findUniqueOrThrow({ where: { id } })).approvedById).toBeNull();
  });

  it("lets the requester approve in their session when the rollback plan allows one person", async () => {
    const admin = await makeToken("ADMIN");
    const { deployment } = await makeDeployment();
    await makeRollbackPlan(deployment.id, { requireDistinctApprover: false });
    const response = await requestRollback(
      apiRequest(`/api/v1/deployments/${deployment.slug}/rollbacks`, { token: admin.token, body: { mode: "instant", reason: "one-person team" } }),
      params({ deployment: deployment.slug }),
    );
    const { id } = await response.json();
    expect((await approveWith(id, { session: await sessionCookie(admin.user.id) })).status).toBe(200);
    expect((await db().rollbackOperation.findUniqueOrThrow({ where: { id } })).approvedById).toBe(admin.user.id);
  });
});

describe("a disabled person", () => {
  it("cannot use a session cookie minted before they were disabled", async () => {
    const { user } = await makeUser("ADMIN");
    const session = await sessionCookie(user.id);
    expect((await me(apiRequest("/api/v1/me", { session }), params({}))).status).toBe(200);
    await db().user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    expect((await me(apiRequest("/api/v1/me", { session }), params({}))).status).toBe(401);
  });
});
