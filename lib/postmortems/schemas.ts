import { z } from "zod";
import { TIMELINE_ORDER, type TimestampField } from "./durations";

const text = (max = 10_000) => z.string().trim().max(max, `at most ${max} characters`);

export const SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;
export const MISSED_CHECK_REASONS = ["MISSING_CATEGORY", "LOOSE_THRESHOLD", "UNREPRESENTATIVE_DATA", "NOT_RUN"] as const;
export const POSTMORTEM_STATUSES = ["DRAFT", "IN_REVIEW", "APPROVED", "CLOSED"] as const;
export const GATE_ADDITION_STATUSES = ["PROPOSED", "IMPLEMENTED", "ENFORCED"] as const;
export const ACTION_ITEM_TYPES = ["PREVENT", "DETECT", "MITIGATE", "PROCESS"] as const;
export const ACTION_ITEM_STATUSES = ["OPEN", "IN_PROGRESS", "DONE", "WONT_DO"] as const;

/** The reviewer's fields; every one optional, so a save changes only what it names. */
export const postmortemFieldsInput = z
  .object({
    title: text(200).min(1, "title cannot be empty"),
    severity: z.enum(SEVERITIES, { message: "severity must be SEV1, SEV2, SEV3 or SEV4" }),
    summary: text(),
    whatHappened: text(),
    impact: text(),
    impactTrafficShare: z.number().min(0, "impactTrafficShare is a share from 0 to 1").max(1, "impactTrafficShare is a share from 0 to 1").nullable(),
    requestsAffected: z.number().int("requestsAffected is a whole number").min(0, "requestsAffected cannot be negative").max(2_000_000_000).nullable(),
    trigger: text(),
    contributingFactors: text(),
    detectionSignal: text(),
    missedCheckSuite: text(500),
    missedCheckReason: z.enum(MISSED_CHECK_REASONS, { message: `missedCheckReason must be one of ${MISSED_CHECK_REASONS.join(", ")}` }).nullable(),
    missedCheckDetail: text(),
    lessons: text(),
    gateAdditionDescription: text(2000),
    gateAdditionSuite: text(500),
  })
  .partial()
  .strict();
export type PostmortemFieldsInput = z.infer<typeof postmortemFieldsInput>;

export const timestampFieldSchema = z.enum(TIMELINE_ORDER as [TimestampField, ...TimestampField[]], {
  message: `field must be one of ${TIMELINE_ORDER.join(", ")}`,
});

export const correctTimestampInput = z
  .object({
    field: timestampFieldSchema,
    value: z.coerce.date({ message: "value must be a date and time (ISO 8601, UTC)" }).refine((d) => !Number.isNaN(d.getTime()), "value is not a valid time"),
    reason: text(1000).min(3, "reason is required: say why the recorded time was wrong"),
    /** Saving a time that puts the timeline out of order needs this, after seeing the warning. */
    acknowledgeWarnings: z.boolean().default(false),
  })
  .strict();
export type CorrectTimestampInput = z.input<typeof correctTimestampInput>;

export const reviewCommentInput = z.object({ comment: text(4000).default("") }).strict();

export const addActionItemInput = z
  .object({
    type: z.enum(ACTION_ITEM_TYPES, { message: `type must be one of ${ACTION_ITEM_TYPES.join(", ")}` }),
    title: text(500).min(1, "title is required"),
    ownerId: z.string().trim().min(1, "ownerId is required: an action item has exactly one owner"),
    dueDate: z.coerce.date({ message: "dueDate must be a date" }).optional(),
  })
  .strict();
export type AddActionItemInput = z.input<typeof addActionItemInput>;

export const transitionActionItemInput = z
  .object({
    status: z.enum(ACTION_ITEM_STATUSES, { message: `status must be one of ${ACTION_ITEM_STATUSES.join(", ")}` }),
    reason: text(2000).optional(),
  })
  .strict();

export const advanceGateAdditionInput = z
  .object({ status: z.enum(GATE_ADDITION_STATUSES, { message: "status must be PROPOSED, IMPLEMENTED or ENFORCED" }) })
  .strict();

export const postmortemFilter = z.object({
  deployment: z.string().trim().max(200).optional().catch(undefined),
  status: z.enum(POSTMORTEM_STATUSES).optional().catch(undefined),
});
export type PostmortemFilter = z.infer<typeof postmortemFilter>;

export const gateAdditionFilter = z.object({
  deployment: z.string().trim().max(200).optional().catch(undefined),
  status: z.enum(GATE_ADDITION_STATUSES).optional().catch(undefined),
});
export type GateAdditionFilter = z.infer<typeof gateAdditionFilter>;

/** The API's query: a bad value is an error naming the parameter, not silently ignored. */
export const postmortemQuery = z.object({
  deployment: z.string().trim().min(1, "deployment cannot be empty").max(200).optional(),
  status: z.enum(POSTMORTEM_STATUSES, { message: `status must be one of ${POSTMORTEM_STATUSES.join(", ")}` }).optional(),
});

export const gateAdditionQuery = z.object({
  deployment: z.string().trim().min(1, "deployment cannot be empty").max(200).optional(),
  status: z.enum(GATE_ADDITION_STATUSES, { message: `status must be one of ${GATE_ADDITION_STATUSES.join(", ")}` }).optional(),
});
