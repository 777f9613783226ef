import { describe, expect, it } from "vitest";
import {
  advanceGateAddition,
  approvePostmortem,
  canTransitionActionItem,
  closureBlockers,
  createActionItem,
  defaultDueDate,
  derivePostmortemStatus,
  isClosed,
  missingRequiredFields,
  requestChanges,
  submitForReview,
  transitionActionItem,
  type ActionItem,
  type ActionItemStatus,
  type PostmortemContent,
  type Result,
  type WorkflowError,
} from "./workflow";

function unwrap<T>(result: Result<T, WorkflowError>): T {
  if (!result.ok) throw new Error(`unexpected ${result.error.code}: ${result.error.message}`);
  return result.value;
}

function errorOf<T>(result: Result<T, WorkflowError>): WorkflowError {
  if (result.ok) throw new Error("expected a refusal");
  return result.error;
}

const complete: PostmortemContent = {
  summary: "v14 misrouted terse, nickname-heavy tickets; rolled back to v13.",
  whatHappened: "A campaign surge of all-caps tickets went to the catch-all queue.",
  impact: "Canary accuracy fell from 0.92 to 0.81 over six hours.",
  trigger: "Marketing campaign drove an unrepresented phrasing.",
  detectionSignal: "Regression detector on canary accuracy crossed the prior floor.",
  missedCheck: { suite: "regression-set", reason: "MISSING_CATEGORY", detail: "No all-caps or nickname tickets." },
  gateAddition: { description: "Add a nickname-and-shorthand category to the regression bank." },
};

const approver = { userId: "u-approver", role: "APPROVER" };

describe("submitForReview", () => {
  it("moves a complete draft into review", () => {
    expect(unwrap(submitForReview({ status: "DRAFT", ...complete }))).toEqual({ status: "IN_REVIEW" });
  });

  it("lists every missing field", () => {
    const error = errorOf(
      submitForReview({
        status: "DRAFT",
        ...complete,
        summary: "  ",
        detectionSignal: "",
        missedCheck: { suite: "regression-set", reason: null, detail: "" },
        gateAddition: null,
      }),
    );
    expect(error.code).toBe("missing_fields");
    if (error.code !== "missing_fields") return;
    expect(error.missing).toEqual([
      "summary",
      "detectionSignal",
      "missedCheck.reason",
      "missedCheck.detail",
      "gateAddition.description",
    ]);
    // Named as the form labels them; the paths stay in `missing` (the API's issues).
    expect(error.message).toBe(
      "fill in before review: Summary, Detection signal, Why the check missed it, Missed check detail, Gate addition",
    );
  });

  it("treats an absent missed check as all three of its fields missing", () => {
    expect(missingRequiredFields({ ...complete, missedCheck: null })).toEqual([
      "missedCheck.suite",
      "missedCheck.reason",
      "missedCheck.detail",
    ]);
  });

  it("refuses anything but a draft", () => {
    expect(errorOf(submitForReview({ status: "IN_REVIEW", ...complete })).code).toBe("illegal_transition");
  });
});

describe("approvePostmortem", () => {
  const inReview = { status: "IN_REVIEW" as const, authorIds: ["u-author"], ...complete };

  it("lets an approver who did not write it approve", () => {
    expect(unwrap(approvePostmortem(inReview, approver, " looks right "))).toEqual({
      status: "APPROVED",
      review: { actorId: "u-approver", decision: "APPROVE", comment: "looks right" },
    });
  });

  it("lets an admin approve", () => {
    expect(approvePostmortem(inReview, { userId: "u-admin", role: "ADMIN" }).ok).toBe(true);
  });

  it.each(["VIEWER", "OPERATOR", "approver"])("refuses the %s role", (role) => {
    expect(errorOf(approvePostmortem(inReview, { userId: "u-x", role })).code).toBe("forbidden");
  });

  it("refuses the sole author, even listed twice", () => {
    const own = { ...inReview, authorIds: ["u-approver", "u-approver"] };
    expect(errorOf(approvePostmortem(own, approver)).code).toBe("sole_author");
  });

  it("lets a co-author approve", () => {
    expect(approvePostmortem({ ...inReview, authorIds: ["u-approver", "u-author"] }, approver).ok).toBe(true);
  });

  it("refuses outside review", () => {
    expect(errorOf(approvePostmortem({ ...inReview, status: "DRAFT" }, approver)).code).toBe("illegal_transition");
  });

  it("checks the required fields again", () => {
    expect(errorOf(approvePostmortem({ ...inReview, impact: "" }, approver)).code).toBe("missing_fields");
  });
});

describe("requestChanges", () => {
  it("returns the postmortem to draft with the comment", () => {
    expect(unwrap(requestChanges({ status: "IN_REVIEW" }, approver, "Name the missed suite precisely."))).toEqual({
      status: "DRAFT",
      review: { actorId: "u-approver", decision: "REQUEST_CHANGES", comment: "Name the missed suite precisely." },
    });
  });

  it("requires a comment", () => {
    expect(errorOf(requestChanges({ status: "IN_REVIEW" }, approver, "   ")).code).toBe("comment_required");
  });

  it("requires a reviewing role and a postmortem in review", () => {
    const operator = { userId: "u", role: "OPERATOR" };
    expect(errorOf(requestChanges({ status: "IN_REVIEW" }, operator, "x")).code).toBe("forbidden");
    expect(errorOf(requestChanges({ status: "APPROVED" }, approver, "x")).code).toBe("illegal_transition");
  });
});

describe("closing", () => {
  const item = (status: ActionItemStatus, wontDoReason: string | null = null) => ({
    title: `item ${status}`,
    status,
    wontDoReason,
  });
  const enforced = { status: "ENFORCED" as const };

  it("closes when the gate addition is enforced and every item is settled", () => {
    const pm = {
      status: "APPROVED" as const,
      gateAddition: enforced,
      actionItems: [item("DONE"), item("WONT_DO", "superseded by v15 work")],
    };
    expect(isClosed(pm)).toBe(true);
    expect(derivePostmortemStatus(pm)).toBe("CLOSED");
  });

  it("closes with no action items once the gate addition is enforced", () => {
    expect(isClosed({ gateAddition: enforced, actionItems: [] })).toBe(true);
  });

  it("stays approved while the gate addition is not enforced", () => {
    const pm = { status: "APPROVED" as const, gateAddition: { status: "IMPLEMENTED" as const }, actionItems: [] };
    expect(derivePostmortemStatus(pm)).toBe("APPROVED");
    expect(closureBlockers(pm)).toEqual(["the gate addition is IMPLEMENTED, not ENFORCED"]);
    expect(closureBlockers({ gateAddition: null, actionItems: [] })).toEqual([
      "the gate addition is missing, not ENFORCED",
    ]);
  });

  it("stays approved while an item is open, in progress, or declined without a reason", () => {
    for (const pending of [item("OPEN"), item("IN_PROGRESS"), item("WONT_DO", " ")]) {
      expect(isClosed({ gateAddition: enforced, actionItems: [item("DONE"), pending] })).toBe(false);
    }
  });

  it("falls back to approved when a closed postmortem's item is reopened", () => {
    const reopened = { status: "CLOSED" as const, gateAddition: enforced, actionItems: [item("OPEN")] };
    expect(derivePostmortemStatus(reopened)).toBe("APPROVED");
  });

  it("never closes a draft or one in review", () => {
    const settled = { gateAddition: enforced, actionItems: [] };
    expect(derivePostmortemStatus({ status: "DRAFT", ...settled })).toBe("DRAFT");
    expect(derivePostmortemStatus({ status: "IN_REVIEW", ...settled })).toBe("IN_REVIEW");
  });
});

describe("advanceGateAddition", () => {
  it("moves forward one step at a time", () => {
    expect(unwrap(advanceGateAddition("PROPOSED", "IMPLEMENTED"))).toBe("IMPLEMENTED");
    expect(unwrap(advanceGateAddition("IMPLEMENTED", "ENFORCED"))).toBe("ENFORCED");
  });

  it.each([
    ["PROPOSED", "ENFORCED", "can only become IMPLEMENTED"],
    ["IMPLEMENTED", "PROPOSED", "can only become ENFORCED"],
    ["ENFORCED", "IMPLEMENTED", "is final"],
    ["PROPOSED", "PROPOSED", "can only become IMPLEMENTED"],
  ] as const)("refuses %s → %s", (from, to, message) => {
    const error = errorOf(advanceGateAddition(from, to));
    expect(error.code).toBe("illegal_transition");
    expect(error.message).toContain(message);
  });
});

describe("action items", () => {
  const now = new Date("2026-06-17T09:00:00.000Z");

  it.each([
    ["SEV1", "2026-06-24T09:00:00.000Z"],
    ["SEV2", "2026-07-01T09:00:00.000Z"],
    ["SEV3", "2026-07-17T09:00:00.000Z"],
    ["SEV4", "2026-08-16T09:00:00.000Z"],
  ] as const)("defaults a %s item to %s", (severity, due) => {
    expect(defaultDueDate(severity, now).toISOString()).toBe(due);
  });

  it("creates an open item with one owner and the default due date", () => {
    const created = createActionItem({ title: " Add nickname category ", ownerId: "u-1", severity: "SEV2", now });
    expect(unwrap(created)).toEqual({
      title: "Add nickname category",
      ownerId: "u-1",
      dueDate: new Date("2026-07-01T09:00:00.000Z"),
      status: "OPEN",
      wontDoReason: null,
    });
  });

  it("keeps an explicit due date", () => {
    const dueDate = new Date("2026-06-20T00:00:00.000Z");
    const created = createActionItem({ title: "t", ownerId: "u", severity: "SEV4", now, dueDate });
    expect(unwrap(created).dueDate).toBe(dueDate);
  });

  it.each([
    [{ title: "", ownerId: "u" }, "needs a title"],
    [{ title: "t", ownerId: " " }, "needs one owner"],
    [{ title: "t", ownerId: "u", dueDate: new Date("x") }, "not a valid date"],
  ])("refuses %j", (input, message) => {
    const error = errorOf(createActionItem({ severity: "SEV2", now, ...input }));
    expect(error.code).toBe("invalid_action_item");
    expect(error.message).toContain(message);
  });

  const open: ActionItem = { title: "t", ownerId: "u", dueDate: now, status: "OPEN", wontDoReason: null };

  it("requires a reason to decline", () => {
    expect(errorOf(transitionActionItem(open, "WONT_DO")).code).toBe("reason_required");
    expect(errorOf(transitionActionItem(open, "WONT_DO", "  ")).code).toBe("reason_required");
    expect(unwrap(transitionActionItem(open, "WONT_DO", " covered by the gate addition "))).toMatchObject({
      status: "WONT_DO",
      wontDoReason: "covered by the gate addition",
    });
  });

  it("clears the reason when a declined item is reopened", () => {
    const declined = unwrap(transitionActionItem(open, "WONT_DO", "no"));
    expect(unwrap(transitionActionItem(declined, "OPEN"))).toMatchObject({ status: "OPEN", wontDoReason: null });
  });

  it("allows work, completion and reopening, and nothing sideways", () => {
    const started = unwrap(transitionActionItem(open, "IN_PROGRESS"));
    const done = unwrap(transitionActionItem(started, "DONE"));
    expect(done.status).toBe("DONE");
    expect(errorOf(transitionActionItem(done, "WONT_DO", "late")).code).toBe("illegal_transition");
    expect(errorOf(transitionActionItem(done, "DONE")).code).toBe("illegal_transition");
    expect(canTransitionActionItem("DONE", "OPEN")).toBe(true);
    expect(canTransitionActionItem("WONT_DO", "IN_PROGRESS")).toBe(false);
  });

  it("does not modify the item it is given", () => {
    const before = { ...open };
    transitionActionItem(open, "DONE");
    expect(open).toEqual(before);
  });
});
