// The postmortem's review workflow, its gate addition and its action items. User mistakes come
// back as Results with a message to show; nothing here throws for them.

import { requiredFieldLabel } from "./field-labels";

export type PostmortemStatus = "DRAFT" | "IN_REVIEW" | "APPROVED" | "CLOSED";
export type Severity = "SEV1" | "SEV2" | "SEV3" | "SEV4";
export type MissedCheckReason = "MISSING_CATEGORY" | "LOOSE_THRESHOLD" | "UNREPRESENTATIVE_DATA" | "NOT_RUN";
export type GateAdditionStatus = "PROPOSED" | "IMPLEMENTED" | "ENFORCED";
export type ActionItemStatus = "OPEN" | "IN_PROGRESS" | "DONE" | "WONT_DO";

export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export type WorkflowError =
  | { readonly code: "missing_fields"; readonly message: string; readonly missing: readonly string[] }
  | {
      readonly code:
        | "illegal_transition"
        | "forbidden"
        | "sole_author"
        | "comment_required"
        | "reason_required"
        | "invalid_action_item";
      readonly message: string;
    };

const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
type SimpleErrorCode = Exclude<WorkflowError["code"], "missing_fields">;
const fail = (code: SimpleErrorCode, message: string): Result<never, WorkflowError> => ({
  ok: false,
  error: { code, message },
});

/** The offline check that should have caught the regression and did not: the line that pays. */
export interface MissedCheck {
  readonly suite: string;
  readonly reason: MissedCheckReason | null;
  readonly detail: string;
}

export interface GateAddition {
  readonly description: string;
  readonly suite?: string;
  readonly status: GateAdditionStatus;
}

export interface PostmortemContent {
  readonly summary: string;
  readonly whatHappened: string;
  readonly impact: string;
  readonly trigger: string;
  readonly detectionSignal: string;
  readonly missedCheck: MissedCheck | null;
  readonly gateAddition: Pick<GateAddition, "description"> | null;
}

const blank = (value: string | null | undefined) => (value ?? "").trim() === "";

/** Field paths still empty, in form order; review cannot start until this is empty. */
export function missingRequiredFields(content: PostmortemContent): string[] {
  const missing: string[] = [];
  for (const field of ["summary", "whatHappened", "impact", "trigger", "detectionSignal"] as const) {
    if (blank(content[field])) missing.push(field);
  }
  if (blank(content.missedCheck?.suite)) missing.push("missedCheck.suite");
  if (!content.missedCheck?.reason) missing.push("missedCheck.reason");
  if (blank(content.missedCheck?.detail)) missing.push("missedCheck.detail");
  if (blank(content.gateAddition?.description)) missing.push("gateAddition.description");
  return missing;
}

function requireComplete(content: PostmortemContent): Result<true, WorkflowError> {
  const missing = missingRequiredFields(content);
  if (missing.length === 0) return ok(true);
  const message = `fill in before review: ${missing.map(requiredFieldLabel).join(", ")}`;
  return { ok: false, error: { code: "missing_fields", message, missing } };
}

export function submitForReview(
  pm: { readonly status: PostmortemStatus } & PostmortemContent,
): Result<{ readonly status: "IN_REVIEW" }, WorkflowError> {
  if (pm.status !== "DRAFT") {
    return fail("illegal_transition", `only a draft can be submitted for review (this one is ${pm.status})`);
  }
  const complete = requireComplete(pm);
  return complete.ok ? ok({ status: "IN_REVIEW" }) : complete;
}

/** The deciding user; `role` holds the Role enum's value. */
export interface Reviewer {
  readonly userId: string;
  readonly role: string;
}

export interface ReviewRecord {
  readonly actorId: string;
  readonly decision: "APPROVE" | "REQUEST_CHANGES";
  readonly comment: string;
}

const REVIEWING_ROLES: ReadonlySet<string> = new Set(["APPROVER", "ADMIN"]);

function requireReviewer(status: PostmortemStatus, reviewer: Reviewer): Result<true, WorkflowError> {
  if (status !== "IN_REVIEW") {
    return fail("illegal_transition", `only a postmortem in review can be decided (this one is ${status})`);
  }
  if (!REVIEWING_ROLES.has(reviewer.role)) {
    return fail("forbidden", "reviewing a postmortem takes the APPROVER or ADMIN role");
  }
  return ok(true);
}

/**
 * A review is a second pair of eyes, so the sole author cannot approve; a co-author can,
 * because someone else wrote part of it.
 */
export function approvePostmortem(
  pm: { readonly status: PostmortemStatus; readonly authorIds: readonly string[] } & PostmortemContent,
  reviewer: Reviewer,
  comment = "",
): Result<{ readonly status: "APPROVED"; readonly review: ReviewRecord }, WorkflowError> {
  const allowed = requireReviewer(pm.status, reviewer);
  if (!allowed.ok) return allowed;
  const authors = new Set(pm.authorIds);
  if (authors.size === 1 && authors.has(reviewer.userId)) {
    return fail("sole_author", "the only author cannot approve their own postmortem; ask another approver");
  }
  // The content may have changed since it was submitted, so the fields are checked again here.
  const complete = requireComplete(pm);
  if (!complete.ok) return complete;
  return ok({ status: "APPROVED", review: { actorId: reviewer.userId, decision: "APPROVE", comment: comment.trim() } });
}

export function requestChanges(
  pm: { readonly status: PostmortemStatus },
  reviewer: Reviewer,
  comment: string,
): Result<{ readonly status: "DRAFT"; readonly review: ReviewRecord }, WorkflowError> {
  const allowed = requireReviewer(pm.status, reviewer);
  if (!allowed.ok) return allowed;
  if (blank(comment)) return fail("comment_required", "say what should change when requesting changes");
  const review: ReviewRecord = { actorId: reviewer.userId, decision: "REQUEST_CHANGES", comment: comment.trim() };
  return ok({ status: "DRAFT", review });
}

export interface ClosureInput {
  readonly gateAddition: Pick<GateAddition, "status"> | null;
  readonly actionItems: readonly Pick<ActionItem, "title" | "status" | "wontDoReason">[];
}

/** Why an approved postmortem is not yet closed; empty once it is. */
export function closureBlockers(pm: ClosureInput): string[] {
  const blockers: string[] = [];
  if (pm.gateAddition?.status !== "ENFORCED") {
    blockers.push(`the gate addition is ${pm.gateAddition ? pm.gateAddition.status : "missing"}, not ENFORCED`);
  }
  for (const item of pm.actionItems) {
    if (item.status === "WONT_DO" && blank(item.wontDoReason)) {
      blockers.push(`"${item.title}" is WONT_DO without a reason`);
    } else if (item.status === "OPEN" || item.status === "IN_PROGRESS") {
      blockers.push(`"${item.title}" is ${item.status}`);
    }
  }
  return blockers;
}

/**
 * Closed means the incident's gap is actually shut: the gate addition is enforced in the
 * promotion gate and every action item is settled.
 */
export function isClosed(pm: ClosureInput): boolean {
  return closureBlockers(pm).length === 0;
}

/**
 * CLOSED is never set by hand: an approved postmortem is closed exactly while `isClosed` holds,
 * so reopening an action item puts it back to APPROVED.
 */
export function derivePostmortemStatus(pm: { readonly status: PostmortemStatus } & ClosureInput): PostmortemStatus {
  if (pm.status !== "APPROVED" && pm.status !== "CLOSED") return pm.status;
  return isClosed(pm) ? "CLOSED" : "APPROVED";
}

const GATE_ORDER: readonly GateAdditionStatus[] = ["PROPOSED", "IMPLEMENTED", "ENFORCED"];

/** One step forward at a time: a check is implemented before the gate enforces it. */
export function advanceGateAddition(
  from: GateAdditionStatus,
  to: GateAdditionStatus,
): Result<GateAdditionStatus, WorkflowError> {
  const next = GATE_ORDER[GATE_ORDER.indexOf(from) + 1];
  if (to === next) return ok(to);
  return fail(
    "illegal_transition",
    next ? `a ${from} gate addition can only become ${next}` : "an ENFORCED gate addition is final",
  );
}

export interface ActionItem {
  readonly title: string;
  /** Exactly one accountable owner. */
  readonly ownerId: string;
  readonly dueDate: Date;
  readonly status: ActionItemStatus;
  readonly wontDoReason: string | null;
}

export const DUE_DAYS_BY_SEVERITY: Readonly<Record<Severity, number>> = { SEV1: 7, SEV2: 14, SEV3: 30, SEV4: 60 };

const DAY_MS = 86_400_000;

/** Whole 24-hour days after `from`, so the result does not depend on the server's time zone. */
export function defaultDueDate(severity: Severity, from: Date): Date {
  return new Date(from.getTime() + DUE_DAYS_BY_SEVERITY[severity] * DAY_MS);
}

export function createActionItem(input: {
  readonly title: string;
  readonly ownerId: string;
  readonly severity: Severity;
  readonly now: Date;
  readonly dueDate?: Date;
}): Result<ActionItem, WorkflowError> {
  if (blank(input.title)) return fail("invalid_action_item", "an action item needs a title");
  if (blank(input.ownerId)) return fail("invalid_action_item", "an action item needs one owner");
  const dueDate = input.dueDate ?? defaultDueDate(input.severity, input.now);
  if (Number.isNaN(dueDate.getTime())) return fail("invalid_action_item", "the due date is not a valid date");
  return ok({ title: input.title.trim(), ownerId: input.ownerId, dueDate, status: "OPEN", wontDoReason: null });
}

const ACTION_ITEM_TRANSITIONS: Readonly<Record<ActionItemStatus, readonly ActionItemStatus[]>> = {
  OPEN: ["IN_PROGRESS", "DONE", "WONT_DO"],
  IN_PROGRESS: ["OPEN", "DONE", "WONT_DO"],
  // Reopening is allowed; it also reopens an otherwise closed postmortem.
  DONE: ["OPEN"],
  WONT_DO: ["OPEN"],
};

export function canTransitionActionItem(from: ActionItemStatus, to: ActionItemStatus): boolean {
  return ACTION_ITEM_TRANSITIONS[from].includes(to);
}

/** Declining an item is a decision on the record, so WONT_DO carries its reason. */
export function transitionActionItem(
  item: ActionItem,
  to: ActionItemStatus,
  reason?: string,
): Result<ActionItem, WorkflowError> {
  if (!canTransitionActionItem(item.status, to)) {
    return fail("illegal_transition", `an action item cannot go from ${item.status} to ${to}`);
  }
  if (to === "WONT_DO") {
    const why = reason?.trim() ?? "";
    if (why === "") return fail("reason_required", "say why the action item will not be done");
    return ok({ ...item, status: to, wontDoReason: why });
  }
  return ok({ ...item, status: to, wontDoReason: null });
}
