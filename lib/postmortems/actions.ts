"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { guardedAction } from "@/lib/actions/guarded-action";
import { correctTimestamp, updatePostmortem } from "./edit-postmortem";
import { addActionItem, advanceGateAdditionStatus, transitionActionItemStatus } from "./gate-and-actions";
import { approvePostmortemReview, requestPostmortemChanges, submitPostmortem } from "./review-postmortem";
import { addActionItemInput, advanceGateAdditionInput, correctTimestampInput, postmortemFieldsInput, reviewCommentInput, transitionActionItemInput } from "./schemas";

const id = z.string().trim().min(1, "postmortem id is required");

const refresh = (postmortemId: string) => {
  revalidatePath(`/postmortems/${postmortemId}`);
  revalidatePath("/postmortems");
};

const save = guardedAction({ role: "OPERATOR", input: postmortemFieldsInput.extend({ id }) }, async ({ id: pmId, ...fields }, ctx) => {
  const result = await updatePostmortem(ctx, pmId, fields);
  refresh(pmId);
  return result;
});
export async function savePostmortemAction(input: unknown) {
  return save(input);
}

const correct = guardedAction({ role: "OPERATOR", input: correctTimestampInput.extend({ id }) }, async ({ id: pmId, ...rest }, ctx) => {
  const { warnings } = await correctTimestamp(ctx, pmId, rest);
  refresh(pmId);
  return { warnings: warnings.map((w) => w.message) };
});
export async function correctTimestampAction(input: unknown) {
  return correct(input);
}

const submit = guardedAction({ role: "OPERATOR", input: z.object({ id }) }, async ({ id: pmId }, ctx) => {
  const result = await submitPostmortem(ctx, pmId);
  refresh(pmId);
  return result;
});
export async function submitPostmortemAction(input: unknown) {
  return submit(input);
}

const approve = guardedAction({ role: "APPROVER", input: reviewCommentInput.extend({ id }) }, async ({ id: pmId, comment }, ctx) => {
  const result = await approvePostmortemReview(ctx, pmId, comment);
  refresh(pmId);
  return result;
});
export async function approvePostmortemAction(input: unknown) {
  return approve(input);
}

const changes = guardedAction({ role: "APPROVER", input: reviewCommentInput.extend({ id }) }, async ({ id: pmId, comment }, ctx) => {
  const result = await requestPostmortemChanges(ctx, pmId, comment);
  refresh(pmId);
  return result;
});
export async function requestChangesAction(input: unknown) {
  return changes(input);
}

const advanceGate = guardedAction({ role: "OPERATOR", input: advanceGateAdditionInput.extend({ id }) }, async ({ id: pmId, status }, ctx) => {
  const result = await advanceGateAdditionStatus(ctx, pmId, { status });
  refresh(pmId);
  revalidatePath("/postmortems/gate-additions");
  return result;
});
export async function advanceGateAdditionAction(input: unknown) {
  return advanceGate(input);
}

const addItem = guardedAction({ role: "OPERATOR", input: addActionItemInput.extend({ id }) }, async ({ id: pmId, ...rest }, ctx) => {
  const result = await addActionItem(ctx, pmId, rest);
  refresh(pmId);
  return { id: result.id, dueDate: result.dueDate.toISOString(), postmortemStatus: result.postmortemStatus };
});
export async function addActionItemAction(input: unknown) {
  return addItem(input);
}

const moveItem = guardedAction(
  { role: "OPERATOR", input: transitionActionItemInput.extend({ id, actionItemId: z.string().trim().min(1, "actionItemId is required") }) },
  async ({ id: pmId, actionItemId, ...rest }, ctx) => {
    const result = await transitionActionItemStatus(ctx, actionItemId, rest);
    refresh(pmId);
    return result;
  },
);
export async function transitionActionItemAction(input: unknown) {
  return moveItem(input);
}
