// The public rollback API and who may do what, through the real route handlers.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as requestRoute, GET as listForDeployment } from "@/app/api/v1/deployments/[deployment]/rollbacks/route";
import { GET as listRoute } from "@/app/api/v1/rollbacks/route";
import { GET as getRoute } from "@/app/api/v1/rollbacks/[id]/route";
import { POST as approveRoute } from "@/app/api/v1/rollbacks/[id]/approve/route";
import { POST as rejectRoute } from "@/app/api/v1/rollbacks/[id]/reject/route";
import { POST as cancelRoute } from "@/app/api/v1/rollbacks/[id]/cancel/route";
import { POST as retryRoute } from "@/app/api/v1/rollbacks/[id]/retry/route";
import { db } from "@/lib/db";
import { stopBoss } from "@/lib/jobs/boss";
import { newRequestId } from "@/lib/mutation";
import { listEligibleApprovers } from "@/lib/rollbacks/approvers";
import { requestRollback } from "@/lib/rollbacks/request-rollback";
import { makeDeployment, makePolicy, makeRollbackPlan, makeToken, makeUser } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";
import { verifyWebhookSignature } from "@/lib/webhooks/deliver-webhook";

type Deployment = Awaited<ReturnType<typeof makeDeployment>>["deployment"];

const post = (deployment: Deployment, token: string, body: unknown, headers: Record<string, string> = {}) =>
  requestRoute(apiRequest(`/api/v1/deployments/${deployment.slug}/rollbacks`, { token, body, headers }), params({ deployment: deployment.slug }));
const decide = (route: typeof approveRoute, id: string, token: string, body?: unknown) =>
  route(apiRequest(`/api/v1/rollbacks/${id}/x`, { method: "POST", token, body }), params({ id }));

async function withPolicy(deployment: Deployment, requireDistinctApprover: boolean) {
  await makePolicy(deployment.id, { floorValue: 0.88, evaluationIntervalSeconds: 30, action: "REQUEST" });
  await makeRollbackPlan(deployment.id, { requireDistinctApprover });
}

let operator: Awaited<ReturnType<typeof makeToken>>;
let otherOperator: Awaited<ReturnType<typeof makeToken>>;
let approver: Awaited<ReturnType<typeof makeToken>>;
let viewer: Awaited<ReturnType<typeof makeToken>>;

type Delivery = { headers: IncomingHttpHeaders; body: string };
let receiver: Server;
const deliveries: Delivery[] = [];

beforeAll(async () => {
  [operator, otherOperator, approver, viewer] = await Promise.all([makeToken("OPERATOR"), makeToken("OPERATOR"), makeToken("APPROVER"), makeToken("VIEWER")]);
  receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      deliveries.push({ headers: request.headers, body });
      response.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
  await stopBoss();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe("POST /api/v1/deployments/{deployment}/rollbacks", () => {
  it("creates with 201, replays the same Idempotency-Key with 200, and refuses a VIEWER", async () => {
    const { deployment } = await makeDeployment();
    const body = { mode: "instant", reason: "v14 misroutes all-caps tickets" };
    const first = await post(deployment, operator.token, body, { "idempotency-key": "incident-42" });
    expect(first.status).toBe(201);
    const created = await first.json();
    expect(created).toEqual({ id: expect.any(String), status: "AWAITING_APPROVAL" });
    const again = await post(deployment, operator.token, body, { "idempotency-key": "incident-42" });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(created);

    const otherBody = await post(deployment, operator.token, { ...body, reason: "something else" }, { "idempotency-key": "incident-42" });
    expect(otherBody.status).toBe(422);
    expect((await otherBody.json()).message).toContain("different body");
    const otherCaller = await post(deployment, otherOperator.token, body, { "idempotency-key": "incident-42" });
    expect(otherCaller.status).toBe(422);
    expect((await otherCaller.json()).message).toContain("another caller");

    const refused = await post(deployment, viewer.token, body);
    expect(refused.status).toBe(403);
    expect((await refused.json()).message).toContain("OPERATOR");
  });

  it("names the offending field and refuses a target that is not the prior", async () => {
    const { deployment } = await makeDeployment({ versions: ["v12", "v13", "v14"] });
    const invalid = await post(deployment, operator.token, { mode: "sideways", reason: "" });
    expect(invalid.status).toBe(400);
    const { message } = await invalid.json();
    expect(message).toContain("mode");
    expect(message).toContain("reason");
    const wrong = await post(deployment, operator.token, { mode: "instant", reason: "x", targetVersion: "v12" });
    expect(wrong.status).toBe(409);
    expect((await wrong.json()).message).toContain("not this deployment's prior pinned version (v13)");
  });
});

describe("deciding on a rollback", () => {
  it("refuses an OPERATOR's approval and lets an APPROVER approve, queueing execution", async () => {
    const { deployment } = await makeDeployment();
    const { id } = await (await post(deployment, operator.token, { mode: "instant", reason: "bad canary" })).json();
    const refused = await decide(approveRoute, id, otherOperator.token);
    expect(refused.status).toBe(403);
    expect((await refused.json()).message).toContain("APPROVER");

    const approved = await decide(approveRoute, id, approver.token, { note: "agreed, canary is clear" });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toEqual({ id, status: "APPROVED" });
    const op = await db().rollbackOperation.findUniqueOrThrow({ where: { id } });
    expect(op).toMatchObject({ approvedById: approver.user.id, decisionNote: "agreed, canary is clear" });
    expect(op.approvedAt).toBeInstanceOf(Date);
    const jobs = await db().$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM pgboss.job WHERE name = 'rollback-execute' AND singleton_key = ${id}`;
    expect(Number(jobs[0]!.n)).toBe(1);
  });

  it("refuses the requester's own approval when the rollback plan requires a distinct approver", async () => {
    const { deployment } = await makeDeployment();
    await withPolicy(deployment, true);
    const { id } = await (await post(deployment, approver.token, { mode: "ramp", reason: "x" })).json();
    const refused = await decide(approveRoute, id, approver.token);
    expect(refused.status).toBe(403);
    expect((await refused.json()).message).toContain("someone other than the requester");
    expect((await db().rollbackOperation.findUniqueOrThrow({ where: { id } })).status).toBe("AWAITING_APPROVAL");
  });

  it("lets an approver switch a ramp to instant when approving, replanning the steps and recording the switch", async () => {
    const { deployment } = await makeDeployment();
    await withPolicy(deployment, true);
    const { id } = await (await post(deployment, operator.token, { mode: "ramp", reason: "bad canary" })).json();
    const shifts = async () => (await db().rollbackStep.findMany({ where: { operationId: id, name: "shift_traffic" }, orderBy: { position: "asc" } })).map((s) => (s.params as { percent: number }).percent);
    expect(await shifts()).toEqual([10, 100]);

    const invalid = await decide(approveRoute, id, approver.token, { mode: "sideways" });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).message).toContain("mode");

    const approved = await decide(approveRoute, id, approver.token, { mode: "instant", note: "users are hurting; no ramp" });
    expect(approved.status).toBe(200);
    expect(await db().rollbackOperation.findUniqueOrThrow({ where: { id } })).toMatchObject({ mode: "INSTANT", rampStages: [100], rampDwellSeconds: 0, status: "APPROVED" });
    expect(await shifts()).toEqual([100]);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "rollback.approved", targetId: id } });
    expect(audit).toMatchObject({ actorId: expect.any(String), before: { mode: "RAMP" }, after: { mode: "INSTANT", note: "users are hurting; no ramp" } });

    const view = await (await getRoute(apiRequest(`/api/v1/rollbacks/${id}`, { token: viewer.token }), params({ id }))).json();
    expect(view).toMatchObject({ mode: "instant", rampStages: [100] });
  });

  it("names who may approve: every enabled APPROVER and ADMIN, less the requester when the rollback plan requires a distinct approver", async () => {
    const { deployment } = await makeDeployment();
    await withPolicy(deployment, true);
    const requester = await makeUser("APPROVER");
    const other = await makeUser("APPROVER");
    const disabled = await makeUser("APPROVER", { disabled: true });
    const { id } = await requestRollback({ actor: requester.actor, requestId: newRequestId() }, { deploymentSlug: deployment.slug, mode: "instant", reason: "x", origin: "manual" });
    const eligible = await listEligibleApprovers(id);
    const emails = eligible.approvers.map((a) => a.email);
    expect(emails).toContain(other.user.email);
    expect(emails).not.toContain(requester.user.email);
    expect(emails).not.toContain(disabled.user.email);
    expect(eligible.excludedRequester).toBe(requester.user.email);

    await db().rollbackPlan.update({ where: { deploymentId: deployment.id }, data: { requireDistinctApprover: false } });
    const relaxed = await listEligibleApprovers(id);
    expect(relaxed.approvers.map((a) => a.email)).toContain(requester.user.email);
    expect(relaxed.excludedRequester).toBeNull();
  });

  it("refuses to turn an instant request into a ramp at approval", async () => {
    const { deployment } = await makeDeployment();
    const { id } = await (await post(deployment, operator.token, { mode: "instant", reason: "x" })).json();
    const refused = await decide(approveRoute, id, approver.token, { mode: "ramp" });
    expect(refused.status).toBe(409);
    expect((await db().rollbackOperation.findUniqueOrThrow({ where: { id } })).status).toBe("AWAITING_APPROVAL");
  });

  it("lets the requester approve when the rollback plan allows it", async () => {
    const { deployment } = await makeDeployment();
    await withPolicy(deployment, false);
    const { id } = await (await post(deployment, approver.token, { mode: "instant", reason: "x" })).json();
    expect((await decide(approveRoute, id, approver.token)).status).toBe(200);
  });

  it("rejects, and then refuses to approve what was rejected", async () => {
    const { deployment } = await makeDeployment();
    const { id } = await (await post(deployment, operator.token, { mode: "instant", reason: "x" })).json();
    expect((await decide(rejectRoute, id, operator.token)).status).toBe(403);
    const rejected = await decide(rejectRoute, id, approver.token, { note: "canary recovered on its own" });
    expect(await rejected.json()).toEqual({ id, status: "REJECTED" });
    const late = await decide(approveRoute, id, approver.token);
    expect(late.status).toBe(409);
    expect((await late.json()).message).toBe(`rollback ${id} is REJECTED; it cannot be approved`);
  });

  it("lets the requester or an APPROVER cancel, but not another OPERATOR; retry needs a FAILED rollback", async () => {
    const { deployment } = await makeDeployment();
    const { id } = await (await post(deployment, operator.token, { mode: "instant", reason: "x" })).json();
    const stranger = await decide(cancelRoute, id, otherOperator.token);
    expect(stranger.status).toBe(403);
    expect((await stranger.json()).message).toContain("only the requester");
    const notFailed = await decide(retryRoute, id, operator.token);
    expect(notFailed.status).toBe(409);
    expect((await decide(cancelRoute, id, operator.token)).status).toBe(200);
    expect((await db().rollbackOperation.findUniqueOrThrow({ where: { id } })).status).toBe("CANCELLED");

    const second = await (await post(deployment, operator.token, { mode: "instant", reason: "again" })).json();
    expect((await decide(cancelRoute, second.id, approver.token)).status).toBe(200);
    const actions = await db().auditEvent.findMany({ where: { targetId: { in: [id, second.id] }, action: "rollback.cancelled" } });
    expect(actions).toHaveLength(2);
  });

  it("answers 400 naming the field for a bad note and 404 for an unknown rollback", async () => {
    const { deployment } = await makeDeployment();
    const { id } = await (await post(deployment, operator.token, { mode: "instant", reason: "x" })).json();
    const bad = await decide(rejectRoute, id, approver.token, { note: 5 });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/^note: /);
    expect((await decide(approveRoute, "nope", approver.token)).status).toBe(404);
  });

  it("refuses a note of any size unread past the limit, on every decision route", async () => {
    const { deployment } = await makeDeployment();
    const { id } = await (await post(deployment, operator.token, { mode: "instant", reason: "x" })).json();
    for (const route of [approveRoute, rejectRoute, cancelRoute, retryRoute]) {
      let pulledBytes = 0;
      // A 200 MB note, as a client would stream it: the server must stop long before the end.
      const note = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"note":"'));
        },
        pull(controller) {
          if (pulledBytes >= 200 * 1024 * 1024) return controller.close();
          pulledBytes += 1024 * 1024;
          controller.enqueue(new Uint8Array(1024 * 1024).fill(0x61));
        },
      });
      const request = new Request(`http://localhost/api/v1/rollbacks/${id}/x`, {
        method: "POST",
        headers: { authorization: `Bearer ${approver.token}`, "content-type": "application/json" },
        body: note,
        duplex: "half",
      } as RequestInit);
      const response = await route(request, params({ id }));
      expect(response.status).toBe(413);
      expect(pulledBytes).toBeLessThanOrEqual(2 * 1024 * 1024);
    }
    expect((await db().rollbackOperation.findUniqueOrThrow({ where: { id } })).status).toBe("AWAITING_APPROVAL");
  });
});

describe("reading rollbacks", () => {
  it("GET /api/v1/rollbacks/{id} answers the steps and timings; the lists filter by deployment", async () => {
    const { deployment } = await makeDeployment();
    const { id } = await (await post(deployment, operator.token, { mode: "ramp", reason: "x" })).json();
    const response = await getRoute(apiRequest(`/api/v1/rollbacks/${id}`, { token: viewer.token }), params({ id }));
    expect(response.status).toBe(200);
    const view = await response.json();
    expect(view).toMatchObject({
      id,
      status: "AWAITING_APPROVAL",
      deployment: deployment.slug,
      kind: "INCIDENT",
      mode: "ramp",
      fromVersion: "v14",
      toVersion: "v13",
      timeToDetectMs: null,
      timeToDecideMs: null,
      timeToExecuteMs: null,
      timeToRollbackMs: null,
      completedAt: null,
      failureReason: null,
    });
    expect(view.steps.map((s: { name: string; status: string }) => s.name)).toContain("shift_traffic");

    const all = await listRoute(apiRequest(`/api/v1/rollbacks?deployment=${deployment.slug}`, { token: viewer.token }), params({}));
    expect((await all.json()).rollbacks.map((r: { id: string }) => r.id)).toEqual([id]);
    const nested = await listForDeployment(apiRequest(`/api/v1/deployments/${deployment.slug}/rollbacks?status=AWAITING_APPROVAL`, { token: viewer.token }), params({ deployment: deployment.slug }));
    expect((await nested.json()).rollbacks).toHaveLength(1);
    const badFilter = await listRoute(apiRequest("/api/v1/rollbacks?status=DONE", { token: viewer.token }), params({}));
    expect(badFilter.status).toBe(400);
    expect((await badFilter.json()).message).toMatch(/^query\.status: /);
    const unknown = await listRoute(apiRequest("/api/v1/rollbacks?deployment=no-such-thing", { token: viewer.token }), params({}));
    expect(unknown.status).toBe(404);
  });
});

describe("webhooks", () => {
  it("sends a signed, Slack-compatible rollback.requested and keeps going when another receiver is down", async () => {
    const secret = "webhook-secret-0123456789";
    const port = (receiver.address() as AddressInfo).port;
    const hook = await db().webhook.create({ data: { name: "slack-test", url: `http://127.0.0.1:${port}/hook`, secret, events: ["rollback.requested"] } });
    const dead = await db().webhook.create({ data: { name: "dead", url: "http://127.0.0.1:1/hook", secret, events: [] } });
    try {
      const { deployment } = await makeDeployment();
      const response = await post(deployment, operator.token, { mode: "instant", reason: "canary 0.81" });
      expect(response.status).toBe(201);
      const { id } = await response.json();
      const deadline = Date.now() + 5_000;
      while (!deliveries.some((d) => d.body.includes(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      const delivery = deliveries.find((d) => d.body.includes(id))!;
      expect(verifyWebhookSignature(secret, { timestamp: delivery.headers["x-reversegate-timestamp"] as string, signature: delivery.headers["x-reversegate-signature"] as string }, delivery.body)).toBe(true);
      expect(verifyWebhookSignature("another-secret-000000", { timestamp: delivery.headers["x-reversegate-timestamp"] as string, signature: delivery.headers["x-reversegate-signature"] as string }, delivery.body)).toBe(false);
      const payload = JSON.parse(delivery.body);
      expect(payload.text).toContain(`*${deployment.slug}*: rollback v14 → v13 requested`);
      expect(payload.blocks[0]).toMatchObject({ type: "section", text: { type: "mrkdwn" } });
      expect(payload.reversegate).toMatchObject({ event: "rollback.requested", rollbackId: id, deployment: deployment.slug, fromVersion: "v14", toVersion: "v13", status: "AWAITING_APPROVAL" });
    } finally {
      await db().webhook.deleteMany({ where: { id: { in: [hook.id, dead.id] } } });
    }
  });
});
