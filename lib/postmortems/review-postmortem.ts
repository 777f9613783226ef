import "server-only";
import { runMutation, type MutationContext } from "@/lib/mutation";
import { contentOf } from "./get-postmortem";
import { lockPostmortem, syncClosedStatus, workflowError } from "./mutation-helpers";
import { approvePostmortem, requestChanges, submitForReview } from "./workflow";

/** DRAFT → IN_REVIEW, only with every required field filled (the error names the empty ones). */
export async function submitPostmortem(ctx: MutationContext, id: string) {
  return runMutation(ctx, "OPERATOR", async (scope) => {
    const pm = await lockPostmortem(scope.tx, id);
    const result = submitForReview({ status: pm.status, ...contentOf(pm) });
    if (!result.ok) throw workflowError(result.error);
    await scope.tx.postmortem.update({ where: { id }, data: { status: result.value.status } });
    await scope.audit({ action: "postmortem.submitted", targetType: "postmortem", targetId: id, before: { status: pm.status }, after: { status: result.value.status } });
    return { status: result.value.status };
  });
}

/**
 * IN_REVIEW → APPROVED by an APPROVER or ADMIN who is not the only author; it becomes CLOSED at
 * once if the gate addition is already enforced and every action item settled.
 */
export async function approvePostmortemReview(ctx: MutationContext, id: string, comment = "") {
  return runMutation(ctx, "APPROVER", async (scope) => {
    const pm = await lockPostmortem(scope.tx, id);
    const reviewer = { userId: scope.actor.userId ?? `${scope.actor.type}:${scope.actor.id}`, role: scope.actor.role };
    const result = approvePostmortem({ status: pm.status, authorIds: pm.authors.map((a) => a.userId), ...contentOf(pm) }, reviewer, comment);
    if (!result.ok) throw workflowError(result.error);
    const now = new Date();
    await scope.tx.postmortem.update({
      where: { id },
      data: { status: "APPROVED", reviewApprovedById: scope.actor.userId, reviewApprovedAt: now },
    });
    await scope.tx.postmortemReview.create({ data: { postmortemId: id, actorId: reviewer.userId, decision: "APPROVE", comment: result.value.review.comment, at: now } });
    await scope.audit({ action: "postmortem.approved", targetType: "postmortem", targetId: id, before: { status: pm.status }, after: { status: "APPROVED", comment: result.value.review.comment } });
    return { status: await syncClosedStatus(scope, id) };
  });
}

/** IN_REVIEW → DRAFT with the reviewer's comment saying what should change. */
export async function requestPostmortemChanges(ctx: MutationContext, id: string, comment: string) {
  return runMutation(ctx, "APPROVER", async (scope) => {
    const pm = await lockPostmortem(scope.tx, id);
    const reviewer = { userId: scope.actor.userId ?? `${scope.actor.type}:${scope.actor.id}`, role: scope.actor.role };
    const result = requestChanges({ status: pm.status }, reviewer, comment);
    if (!result.ok) throw workflowError(result.error);
    await scope.tx.postmortem.update({ where: { id }, data: { status: "DRAFT" } });
    await scope.tx.postmortemReview.create({ data: { postmortemId: id, actorId: reviewer.userId, decision: "REQUEST_CHANGES", comment: result.value.review.comment } });
    await scope.audit({ action: "postmortem.changes_requested", targetType: "postmortem", targetId: id, before: { status: pm.status }, after: { status: "DRAFT", comment: result.value.review.comment } });
    return { status: "DRAFT" as const };
  });
}
