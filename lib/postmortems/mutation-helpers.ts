import "server-only";
import type { Tx } from "@/lib/db";
import type { z } from "zod";
import { AppError, conflict, notFound, validationError } from "@/lib/errors";
import type { MutationScope } from "@/lib/mutation";
import { derivePostmortemStatus, type WorkflowError } from "./workflow";

/** The workflow's refusals as the app's typed errors, each with a message meant for the user. */
export function workflowError(error: WorkflowError): AppError {
  switch (error.code) {
    case "missing_fields":
      return new AppError("VALIDATION", error.message, {
        reason: error.code,
        issues: error.missing.map((path) => ({ path, message: "required before review" })),
      });
    case "forbidden":
    case "sole_author":
      return new AppError("FORBIDDEN", error.message, { reason: error.code });
    case "illegal_transition":
      return conflict(error.message, { reason: error.code });
    default:
      return new AppError("VALIDATION", error.message, { reason: error.code });
  }
}

/** Locks the postmortem's row for the rest of the transaction, so two reviewers cannot both decide. */
export async function lockPostmortem(tx: Tx, id: string) {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Postmortem" WHERE id = ${id} FOR UPDATE`;
  if (locked.length === 0) throw notFound(`postmortem ${id}`);
  return tx.postmortem.findUniqueOrThrow({
    where: { id },
    include: { gateAddition: true, actionItems: true, authors: true },
  });
}

export function requireEditable(pm: { status: string }) {
  if (pm.status !== "DRAFT" && pm.status !== "IN_REVIEW") {
    throw conflict(`an ${pm.status} postmortem's content is final; only its gate addition and action items move on`, { reason: "not_editable" });
  }
}

/**
 * CLOSED is computed: after any change to the gate addition or an action item, store the
 * derived status when it differs, and put the change on the record.
 */
export async function syncClosedStatus(scope: MutationScope, postmortemId: string) {
  const pm = await scope.tx.postmortem.findUniqueOrThrow({
    where: { id: postmortemId },
    select: { status: true, gateAddition: { select: { status: true } }, actionItems: { select: { title: true, status: true, wontDoReason: true } } },
  });
  const next = derivePostmortemStatus(pm);
  if (next === pm.status) return pm.status;
  await scope.tx.postmortem.update({ where: { id: postmortemId }, data: { status: next } });
  await scope.audit({
    action: next === "CLOSED" ? "postmortem.closed" : "postmortem.reopened",
    targetType: "postmortem",
    targetId: postmortemId,
    before: { status: pm.status },
    after: { status: next },
  });
  return next;
}

/** Whoever edits a postmortem is one of its authors, which the approval rule depends on. */
export async function addAuthor(scope: MutationScope, postmortemId: string) {
  const userId = scope.actor.userId;
  if (!userId) return;
  await scope.tx.postmortemAuthor.upsert({
    where: { postmortemId_userId: { postmortemId, userId } },
    create: { postmortemId, userId },
    update: {},
  });
}

/** Validates a data-layer input, naming each offending field in a VALIDATION error. */
export function parseInput<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}
