import { describe, expect, it } from "vitest";
import { GET as getGateAdditions } from "@/app/api/v1/gate-additions/route";
import { GET as getPostmortemRoute, PATCH as patchPostmortemRoute } from "@/app/api/v1/postmortems/[id]/route";
import { GET as listPostmortemsRoute } from "@/app/api/v1/postmortems/route";
import { db } from "@/lib/db";
import { newRequestId, runMutation } from "@/lib/mutation";
import { makeDeployment, makeDetection, makePolicy, makeToken, makeUser } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";
import { correctTimestamp, updatePostmortem } from "./edit-postmortem";
import { addActionItem, advanceGateAdditionStatus, transitionActionItemStatus } from "./gate-and-actions";
import { openPostmortemDraft } from "./open-postmortem-draft";
import { approvePostmortemReview, requestPostmortemChanges, submitPostmortem } from "./review-postmortem";

const MIN = 60_000;
const ctxOf = (actor: Awaited<ReturnType<typeof makeUser>>["actor"]) => ({ actor, requestId: newRequestId() });

/** A completed incident rollback of v14 → v13 with its detection, and the draft it opens. */
async function incident() {
  const { deployment, versions } = await makeDeployment({ versions: ["v13", "v14"], live: "v13", prior: null, rolledBack: ["v14"] });
  const [v13, v14] = versions;
  const requester = await makeUser("OPERATOR");
  const detectedAt = new Date(Date.now() - 60 * MIN);
  const policy = await makePolicy(deployment.id, { windowSeconds: 1800, minSamples: 10, action: "REQUEST" });
  const detection = await makeDetection(policy, v14!.id, {
    detectedAt,
    timeToDetectMs: 6 * 60 * MIN,
    resolvedAt: new Date(detectedAt.getTime() + 9 * MIN),
  });
  const operation = await db().rollbackOperation.create({
    data: {
      deploymentId: deployment.id,
      kind: "INCIDENT",
      mode: "RAMP",
      status: "COMPLETED",
      fromVersionId: v14!.id,
      toVersionId: v13!.id,
      reason: "canary_accuracy below floor",
      detectionId: detection.id,
      requestedById: requester.user.id,
      requestedByLabel: requester.user.email,
      requestedAt: new Date(detectedAt.getTime() + MIN),
      approvedAt: new Date(detectedAt.getTime() + 2 * MIN),
      startedAt: new Date(detectedAt.getTime() + 2 * MIN),
      completedAt: new Date(detectedAt.getTime() + 9 * MIN),
      steps: {
        create: [
          { position: 0, name: "preflight", status: "SUCCEEDED", params: { leg: "back" }, startedAt: new Date(detectedAt.getTime() + 2 * MIN), finishedAt: new Date(detectedAt.getTime() + 2 * MIN) },
          { position: 1, name: "shift_traffic", status: "SUCCEEDED", params: { leg: "back", percent: 100 }, startedAt: new Date(detectedAt.getTime() + 3 * MIN), finishedAt: new Date(detectedAt.getTime() + 9 * MIN) },
        ],
      },
    },
  });
  const draft = await runMutation(ctxOf(requester.actor), "OPERATOR", (scope) => openPostmortemDraft(scope, operation.id));
  return { deployment, operation, detection, requester, detectedAt, id: draft!.id };
}

const COMPLETE = {
  summary: "v14 routed terse all-caps tickets to the catch-all queue",
  whatHappened: "Canary accuracy slid from 0.92 to 0.81 over six hours",
  impact: "About a third of routing traffic misrouted",
  trigger: "A campaign surge of nickname-heavy tickets",
  detectionSignal: "canary_accuracy below the prior floor",
  missedCheckSuite: "regression-set",
  missedCheckReason: "MISSING_CATEGORY" as const,
  missedCheckDetail: "The regression set holds only formal tickets",
  gateAdditionDescription: "Add a nickname-and-shorthand category to the regression bank",
};

describe("postmortem API", () => {
  it("lists by deployment and returns one with durations computed from the timestamps, and its links", async () => {
    const { deployment, id, operation } = await incident();
    const { token } = await makeToken("VIEWER");
    const list = await listPostmortemsRoute(apiRequest(`/api/v1/postmortems?deployment=${deployment.slug}`, { token }), params({}));
    expect(list.status).toBe(200);
    const body = (await list.json()) as { postmortems: { id: string; badVersion: string; priorVersion: string; durations: Record<string, number> }[] };
    expect(body.postmortems).toHaveLength(1);
    expect(body.postmortems[0]).toMatchObject({ id, badVersion: "v14", priorVersion: "v13", durations: { timeToDetectMs: 6 * 60 * MIN, timeToRollbackMs: 9 * MIN } });

    const one = await getPostmortemRoute(apiRequest(`/api/v1/postmortems/${id}`, { token }), params({ id }));
    expect(one.status).toBe(200);
    const pm = (await one.json()) as Record<string, unknown> & { durations: Record<string, number>; links: Record<string, string>; timeline: { description: string }[] };
    expect(pm).toMatchObject({ status: "DRAFT", deployment: deployment.slug, rollbackId: operation.id });
    expect(pm.durations).toEqual({ timeToDetectMs: 6 * 60 * MIN, timeToDecideMs: MIN, timeToExecuteMs: 7 * MIN, timeToRollbackMs: 9 * MIN, exposureWindowMs: null });
    expect(pm.links).toMatchObject({ rollback: `/api/v1/rollbacks/${operation.id}`, markdown: `/postmortems/${id}/export.md`, html: `/postmortems/${id}` });
    expect(pm.timeline.map((e) => e.description)).toContain("Traffic shifted to 100%");

    const bad = await listPostmortemsRoute(apiRequest("/api/v1/postmortems?status=DONE", { token }), params({}));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain("query.status");
    const missing = await getPostmortemRoute(apiRequest("/api/v1/postmortems/nope", { token }), params({ id: "nope" }));
    expect(missing.status).toBe(404);
  });
});

describe("PATCH /api/v1/postmortems/{id}", () => {
  const patch = (id: string, token: string, body: unknown) => patchPostmortemRoute(apiRequest(`/api/v1/postmortems/${id}`, { method: "PATCH", token, body }), params({ id }));

  it("edits what the form edits — the gap, the missed check, the gate addition — audited, with the editor an author", async () => {
    const { id } = await incident();
    const { token, user } = await makeToken("OPERATOR");
    const response = await patch(id, token, {
      missedCheckSuite: "regression-set",
      missedCheckReason: "MISSING_CATEGORY",
      missedCheckDetail: "The regression set holds only formal tickets",
      gateAdditionDescription: "Add a nickname-and-shorthand category",
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { changed: string[]; postmortem: Record<string, unknown> & { authors: { id: string }[] } };
    expect(body.changed.sort()).toEqual(["gateAddition", "missedCheckDetail", "missedCheckReason", "missedCheckSuite"]);
    expect(body.postmortem).toMatchObject({
      missedCheck: { suite: "regression-set", reason: "MISSING_CATEGORY", detail: "The regression set holds only formal tickets" },
      gateAddition: { description: "Add a nickname-and-shorthand category", status: "PROPOSED" },
    });
    expect(body.postmortem.authors.map((a) => a.id)).toContain(user.id);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "postmortem.updated", targetId: id }, orderBy: { id: "desc" } });
    expect(audit.after).toMatchObject({ missedCheckSuite: "regression-set", gateAddition: { description: "Add a nickname-and-shorthand category" } });
  });

  it("refuses a viewer, names an unknown or invalid field, and keeps an approved postmortem's content final", async () => {
    const { id, requester } = await incident();
    const { token: viewer } = await makeToken("VIEWER");
    expect((await patch(id, viewer, { lessons: "x" })).status).toBe(403);
    const { token } = await makeToken("OPERATOR");
    const unknown = await patch(id, token, { durations: { timeToRollbackMs: 1 } });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { message: string }).message).toContain("durations");
    const invalid = await patch(id, token, { missedCheckReason: "BAD_LUCK" });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { issues: { path: string }[] }).issues[0]?.path).toBe("missedCheckReason");
    expect((await patch("nope", token, { lessons: "x" })).status).toBe(404);

    await updatePostmortem(ctxOf(requester.actor), id, COMPLETE);
    await submitPostmortem(ctxOf(requester.actor), id);
    await approvePostmortemReview(ctxOf((await makeUser("APPROVER")).actor), id);
    const final = await patch(id, token, { lessons: "too late" });
    expect(final.status).toBe(409);
    expect(((await final.json()) as { message: string }).message).toContain("content is final");
  });
});

describe("review flow", () => {
  it("needs every required field before review, naming the missing ones", async () => {
    const { id, requester } = await incident();
    await expect(submitPostmortem(ctxOf(requester.actor), id)).rejects.toMatchObject({
      code: "VALIDATION",
      // Named as the form labels them; the issues keep the field paths for API clients.
      message: expect.stringContaining("Summary, What the bad model did, Impact"),
      details: { issues: expect.arrayContaining([{ path: "gateAddition.description", message: "required before review" }]) },
    });
    expect((await db().postmortem.findUniqueOrThrow({ where: { id } })).status).toBe("DRAFT");
  });

  it("refuses approval by the only author, by an OPERATOR and by a VIEWER; a second approver approves", async () => {
    const { id } = await incident();
    const author = await makeUser("APPROVER");
    await updatePostmortem(ctxOf(author.actor), id, COMPLETE);
    // The rollback's requester opened the draft; make the approver the only author.
    await db().postmortemAuthor.deleteMany({ where: { postmortemId: id, NOT: { userId: author.user.id } } });
    await submitPostmortem(ctxOf(author.actor), id);

    await expect(approvePostmortemReview(ctxOf(author.actor), id)).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("only author") });
    for (const role of ["OPERATOR", "VIEWER"] as const) {
      await expect(approvePostmortemReview(ctxOf((await makeUser(role)).actor), id)).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    expect((await db().postmortem.findUniqueOrThrow({ where: { id } })).status).toBe("IN_REVIEW");

    const reviewer = await makeUser("APPROVER");
    const ctx = ctxOf(reviewer.actor);
    expect(await approvePostmortemReview(ctx, id, "good catch")).toEqual({ status: "APPROVED" });
    const pm = await db().postmortem.findUniqueOrThrow({ where: { id }, include: { reviews: true } });
    expect(pm).toMatchObject({ status: "APPROVED", reviewApprovedById: reviewer.user.id });
    expect(pm.reviews).toMatchObject([{ decision: "APPROVE", comment: "good catch", actorId: reviewer.user.id }]);
    expect(await db().auditEvent.count({ where: { requestId: ctx.requestId, action: "postmortem.approved", targetId: id } })).toBe(1);
    await expect(updatePostmortem(ctxOf(author.actor), id, { summary: "rewritten" })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("sends it back to draft on request changes, with the comment required", async () => {
    const { id, requester } = await incident();
    await updatePostmortem(ctxOf(requester.actor), id, COMPLETE);
    await submitPostmortem(ctxOf(requester.actor), id);
    const reviewer = await makeUser("APPROVER");
    await expect(requestPostmortemChanges(ctxOf(reviewer.actor), id, "  ")).rejects.toMatchObject({ code: "VALIDATION" });
    expect(await requestPostmortemChanges(ctxOf(reviewer.actor), id, "quantify the impact")).toEqual({ status: "DRAFT" });
    expect((await db().postmortemReview.findFirstOrThrow({ where: { postmortemId: id } })).comment).toBe("quantify the impact");
  });

  it("computes CLOSED once the gate addition is ENFORCED and every action item is settled, and reopens it", async () => {
    const { id, requester } = await incident();
    const operator = ctxOf(requester.actor);
    await updatePostmortem(operator, id, { ...COMPLETE, severity: "SEV1" });
    await submitPostmortem(operator, id);
    const approver = ctxOf((await makeUser("APPROVER")).actor);
    await approvePostmortemReview(approver, id);

    const before = Date.now();
    const item = await addActionItem(operator, id, { type: "PREVENT", title: "Source surge tickets into the bank", ownerId: requester.user.id });
    // SEV1: due in seven days unless given.
    expect(item.dueDate.getTime() - before).toBeGreaterThanOrEqual(7 * 24 * 60 * MIN - 5_000);
    expect(item.dueDate.getTime() - before).toBeLessThanOrEqual(7 * 24 * 60 * MIN + 5_000);
    await expect(addActionItem(operator, id, { type: "PREVENT", title: "x", ownerId: "nobody" })).rejects.toMatchObject({ code: "VALIDATION", message: expect.stringContaining("ownerId") });

    await advanceGateAdditionStatus(operator, id, { status: "IMPLEMENTED" });
    await expect(advanceGateAdditionStatus(operator, id, { status: "ENFORCED" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await advanceGateAdditionStatus(approver, id, { status: "ENFORCED" })).postmortemStatus).toBe("APPROVED");

    await expect(transitionActionItemStatus(operator, item.id, { status: "WONT_DO" })).rejects.toMatchObject({ code: "VALIDATION", message: expect.stringContaining("why") });
    expect((await transitionActionItemStatus(operator, item.id, { status: "DONE" })).postmortemStatus).toBe("CLOSED");
    expect((await db().postmortem.findUniqueOrThrow({ where: { id } })).status).toBe("CLOSED");
    expect((await transitionActionItemStatus(operator, item.id, { status: "OPEN" })).postmortemStatus).toBe("APPROVED");
    expect(await db().auditEvent.findMany({ where: { targetId: id, action: { in: ["postmortem.closed", "postmortem.reopened"] } }, select: { action: true }, orderBy: { id: "asc" } })).toEqual([
      { action: "postmortem.closed" },
      { action: "postmortem.reopened" },
    ]);
  });
});

describe("timestamp correction", () => {
  it("records who and why, recomputes durations, and refuses an out-of-order time until the warning is acknowledged", async () => {
    const { id, requester, detectedAt } = await incident();
    const ctx = ctxOf(requester.actor);
    const earlier = new Date(detectedAt.getTime() - 8 * 60 * MIN);
    expect(await correctTimestamp(ctx, id, { field: "impactStartedAt", value: earlier.toISOString(), reason: "first surge tickets arrived earlier" })).toEqual({ warnings: [] });
    const correction = await db().timestampCorrection.findFirstOrThrow({ where: { postmortemId: id } });
    expect(correction).toMatchObject({ field: "impactStartedAt", actorId: requester.user.id, reason: "first surge tickets arrived earlier", value: earlier });
    expect(correction.previous?.getTime()).toBe(detectedAt.getTime() - 6 * 60 * MIN);

    const afterDetection = new Date(detectedAt.getTime() + MIN);
    await expect(correctTimestamp(ctx, id, { field: "impactStartedAt", value: afterDetection, reason: "typo" })).rejects.toMatchObject({
      code: "VALIDATION",
      message: expect.stringContaining("is before impact started"),
    });
    expect((await db().postmortem.findUniqueOrThrow({ where: { id } })).impactStartedAt).toEqual(earlier);

    const saved = await correctTimestamp(ctx, id, { field: "impactStartedAt", value: afterDetection, reason: "per the pager log", acknowledgeWarnings: true });
    expect(saved.warnings.map((w) => w.kind)).toEqual(["out_of_order"]);
    const { token } = await makeToken("VIEWER");
    const pm = (await (await getPostmortemRoute(apiRequest(`/api/v1/postmortems/${id}`, { token }), params({ id }))).json()) as {
      durations: { timeToDetectMs: number };
      timelineWarnings: string[];
      corrections: unknown[];
    };
    expect(pm.durations.timeToDetectMs).toBe(-MIN);
    expect(pm.timelineWarnings).toHaveLength(1);
    expect(pm.corrections).toHaveLength(2);
    await expect(correctTimestamp(ctx, id, { field: "detectedAt", value: new Date(), reason: "" })).rejects.toMatchObject({ code: "VALIDATION" });
  });
});

describe("gate additions API", () => {
  it("lists each gate addition with the incident behind it, filterable by status", async () => {
    const { id, requester, deployment } = await incident();
    await updatePostmortem(ctxOf(requester.actor), id, { ...COMPLETE, gateAdditionSuite: "regression-bank" });
    const { token } = await makeToken("VIEWER");
    const response = await getGateAdditions(apiRequest(`/api/v1/gate-additions?deployment=${deployment.slug}`, { token }), params({}));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { gateAdditions: Record<string, unknown>[] };
    expect(body.gateAdditions).toEqual([
      expect.objectContaining({
        description: COMPLETE.gateAdditionDescription,
        suite: "regression-bank",
        status: "PROPOSED",
        incident: expect.objectContaining({ postmortemId: id, deployment: deployment.slug, badVersion: "v14", priorVersion: "v13", missedCheck: { suite: "regression-set", reason: "MISSING_CATEGORY" } }),
        links: expect.objectContaining({ postmortem: `/api/v1/postmortems/${id}` }),
      }),
    ]);
    const enforced = await getGateAdditions(apiRequest(`/api/v1/gate-additions?deployment=${deployment.slug}&status=ENFORCED`, { token }), params({}));
    expect(((await enforced.json()) as { gateAdditions: unknown[] }).gateAdditions).toEqual([]);
    const unauthenticated = await getGateAdditions(apiRequest("/api/v1/gate-additions"), params({}));
    expect(unauthenticated.status).toBe(401);
  });
});
