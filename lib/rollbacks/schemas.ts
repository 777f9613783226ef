import { z } from "zod";
import { incidentTimingFields } from "@/lib/incidents/schemas";
import { pinnedVersionId } from "@/lib/registry/version-ref";

// The rollback API's public contract: what the handlers validate and what they answer. The
// OpenAPI document (./api-operations.ts) is generated from these same schemas.

/** The public body of `POST /api/v1/deployments/{deployment}/rollbacks`. */
export const rollbackRequestBody = z
  .object({
    mode: z.enum(["instant", "ramp"], { message: 'mode must be "instant" or "ramp"' }),
    reason: z.string().trim().min(1, "reason is required: say why the model is coming out").max(2000),
    targetVersion: pinnedVersionId.optional(),
    /** The detection this answers (the dashboard's detection banner), so time to detect is recorded. */
    detectionId: z.string().min(1, "detectionId must not be empty").max(100).optional(),
  })
  .strict();

/** Body of approve / reject / cancel / retry: an optional note for the record. */
export const rollbackDecisionBody = z
  .object({ note: z.string().trim().max(2000, "note: at most 2000 characters").optional() })
  .strict();

/** Body of approve: the note, and optionally `mode: "instant"` to switch a ramp to an instant move before it runs. */
export const approveRollbackBody = rollbackDecisionBody
  .extend({
    mode: z
      .enum(["instant", "ramp"], { message: 'mode must be "instant" or "ramp"' })
      .optional()
      .describe('"instant" moves all traffic at once instead of the requested ramp (audited); an instant request cannot become a ramp'),
  })
  .strict();

const STATUSES = ["REQUESTED", "AWAITING_APPROVAL", "APPROVED", "EXECUTING", "COMPLETED", "REJECTED", "CANCELLED", "FAILED"] as const;

/** `GET /api/v1/rollbacks` query, also the rollbacks page's URL filters. */
export const listRollbacksQuery = z
  .object({
    deployment: z.string().trim().min(1).max(63).optional(),
    status: z.enum(STATUSES, { message: `status must be one of ${STATUSES.join(", ")}` }).optional(),
    kind: z.enum(["INCIDENT", "REHEARSAL"], { message: "kind must be INCIDENT or REHEARSAL" }).optional(),
    limit: z.coerce.number().int().min(1, "limit must be 1–200").max(200, "limit must be 1–200").default(50),
  })
  .strict();
export type ListRollbacksQuery = z.infer<typeof listRollbacksQuery>;

const step = z.object({
  position: z.number().int(),
  name: z.enum(["preflight", "restore_manifest", "pin_prior", "shift_traffic", "invalidate_consumers", "verify"]),
  leg: z.enum(["back", "forward"]),
  percent: z.number().int().nullable(),
  dwellSeconds: z.number().int().nullable(),
  status: z.enum(["PENDING", "RUNNING", "SUCCEEDED", "SKIPPED", "FAILED"]),
  attempts: z.number().int(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  durationMs: z.number().int().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
});

/** `GET /api/v1/rollbacks/{id}`. */
export const rollbackViewSchema = z.object({
  id: z.string(),
  status: z.enum(STATUSES),
  terminal: z.boolean(),
  deployment: z.string(),
  kind: z.enum(["INCIDENT", "REHEARSAL"]),
  mode: z.enum(["instant", "ramp"]),
  fromVersion: z.string(),
  toVersion: z.string(),
  reason: z.string(),
  requestedBy: z.string(),
  approvedBy: z.string().nullable(),
  decisionNote: z.string().nullable(),
  detectionId: z.string().nullable(),
  postmortemId: z.string().nullable(),
  postmortemStatus: z.enum(["DRAFT", "IN_REVIEW", "APPROVED", "CLOSED"]).nullable().describe("The incident's postmortem as it stands now"),
  rampStages: z.array(z.number().int()),
  rampDwellSeconds: z.number().int(),
  steps: z.array(step),
  warnings: z.array(z.string()),
  ...incidentTimingFields,
  requestedAt: z.iso.datetime(),
  approvedAt: z.iso.datetime().nullable(),
  startedAt: z.iso.datetime().nullable(),
  completedAt: z.iso.datetime().nullable(),
  failedAt: z.iso.datetime().nullable(),
  failureReason: z.string().nullable(),
});

export const rollbackRef = z.object({ id: z.string(), status: z.enum(STATUSES) });
export const rollbackList = z.object({ rollbacks: z.array(rollbackViewSchema) });
export type RollbackRequestBody = z.infer<typeof rollbackRequestBody>;
