import "server-only";
import type { Role } from "@prisma/client";
import { AppError, notFound } from "@/lib/errors";
import { runMutation, type MutationContext } from "@/lib/mutation";
import { lockPostmortem, parseInput, syncClosedStatus, workflowError } from "./mutation-helpers";
import { addActionItemInput, advanceGateAdditionInput, transitionActionItemInput, type AddActionItemInput } from "./schemas";
import { advanceGateAddition, createActionItem, transitionActionItem, type GateAdditionStatus } from "./workflow";

/** Enforcing a check in the promotion gate changes what ships, so it takes an approver. */
const ROLE_TO_REACH: Readonly<Record<GateAdditionStatus, Role>> = { PROPOSED: "OPERATOR", IMPLEMENTED: "OPERATOR", ENFORCED: "APPROVER" };

/** PROPOSED → IMPLEMENTED → ENFORCED, one step at a time. */
export async function advanceGateAdditionStatus(ctx: MutationContext, postmortemId: string, raw: { status: GateAdditionStatus }) {
  const { status } = parseInput(advanceGateAdditionInput, raw);
  return runMutation(ctx, ROLE_TO_REACH[status], async (scope) => {
    const pm = await lockPostmortem(scope.tx, postmortemId);
    const gate = pm.gateAddition;
    if (!gate) throw new AppError("CONFLICT", "this postmortem has no gate addition yet; describe one first", { reason: "no_gate_addition" });
    const result = advanceGateAddition(gate.status, status);
    if (!result.ok) throw workflowError(result.error);
    const now = new Date();
    await scope.tx.gateAddition.update({
      where: { id: gate.id },
      data: { status, ...(status === "IMPLEMENTED" ? { implementedAt: now } : { enforcedAt: now }) },
    });
    await scope.audit({ action: "gate_addition.advanced", targetType: "postmortem", targetId: postmortemId, before: { gateAddition: gate.status }, after: { gateAddition: status, description: gate.description } });
    return { status, postmortemStatus: await syncClosedStatus(scope, postmortemId) };
  });
}

/** One owner, a due date defaulted from the severity; an open item reopens a closed postmortem. */
export async function addActionItem(ctx: MutationContext, postmortemId: string, raw: AddActionItemInput) {
  const input = parseInput(addActionItemInput, raw);
  return runMutation(ctx, "OPERATOR", async (scope) => {
    const pm = await lockPostmortem(scope.tx, postmortemId);
    const owner = await scope.tx.user.findUnique({ where: { id: input.ownerId }, select: { id: true, disabledAt: true, email: true } });
    if (!owner || owner.disabledAt) {
      throw new AppError("VALIDATION", "ownerId: no active user with that id", { issues: [{ path: "ownerId", message: "no active user with that id" }] });
    }
    const created = createActionItem({ title: input.title, ownerId: owner.id, severity: pm.severity, now: new Date(), dueDate: input.dueDate });
    if (!created.ok) throw workflowError(created.error);
    const item = await scope.tx.actionItem.create({
      data: { postmortemId, type: input.type, title: created.value.title, ownerId: owner.id, dueDate: created.value.dueDate },
    });
    await scope.audit({
      action: "action_item.added",
      targetType: "postmortem",
      targetId: postmortemId,
      after: { actionItemId: item.id, title: item.title, type: item.type, owner: owner.email, dueDate: item.dueDate },
    });
    return { id: item.id, dueDate: item.dueDate, postmortemStatus: await syncClosedStatus(scope, postmortemId) };
  });
}

/** Moves an action item; WONT_DO needs its reason. May close or reopen the postmortem. */
export async function transitionActionItemStatus(ctx: MutationContext, actionItemId: string, raw: { status: string; reason?: string }) {
  const input = parseInput(transitionActionItemInput, raw);
  return runMutation(ctx, "OPERATOR", async (scope) => {
    const found = await scope.tx.actionItem.findUnique({ where: { id: actionItemId }, select: { postmortemId: true } });
    if (!found) throw notFound(`action item ${actionItemId}`);
    await lockPostmortem(scope.tx, found.postmortemId);
    const item = await scope.tx.actionItem.findUniqueOrThrow({ where: { id: actionItemId } });
    const result = transitionActionItem(item, input.status, input.reason);
    if (!result.ok) throw workflowError(result.error);
    await scope.tx.actionItem.update({
      where: { id: actionItemId },
      data: { status: result.value.status, wontDoReason: result.value.wontDoReason, doneAt: input.status === "DONE" ? new Date() : null },
    });
    await scope.audit({
      action: "action_item.transitioned",
      targetType: "postmortem",
      targetId: found.postmortemId,
      before: { actionItemId, status: item.status },
      after: { actionItemId, status: result.value.status, wontDoReason: result.value.wontDoReason },
    });
    return { status: result.value.status, postmortemStatus: await syncClosedStatus(scope, found.postmortemId) };
  });
}
