import "server-only";
import type { Role } from "@prisma/client";
import type { z } from "zod";
import { apiRoute } from "@/lib/api/route";
import type { MutationContext } from "@/lib/mutation";
import type { DecidedRollback } from "./decide-rollback";
import { rollbackDecisionBody } from "./schemas";

/** A note of 2,000 characters fits many times over; anything longer is refused unread. */
const DECISION_BODY_MAX_BYTES = 16 * 1024;

/**
 * `POST /api/v1/rollbacks/{id}/{approve|reject|cancel|retry}`. The body is optional
 * (`{"note": "…"}`), so a pipeline can approve with an empty POST.
 */
export function rollbackDecisionRoute<TBody extends { note?: string }>(
  role: Role,
  decide: (ctx: MutationContext, id: string, note?: string, body?: TBody) => Promise<DecidedRollback>,
  schema: z.ZodType<TBody> = rollbackDecisionBody as z.ZodType<TBody>,
) {
  return apiRoute<TBody, { id: string }>(
    { role, body: schema, bodyOptional: true, maxBodyBytes: DECISION_BODY_MAX_BYTES },
    async ({ actor, params, requestId, body }) => decide({ actor, requestId }, params.id, body?.note, body),
  );
}
