import "server-only";
import type { Role } from "@prisma/client";
import { apiRoute } from "@/lib/api/route";
import { AppError, validationError } from "@/lib/errors";
import type { MutationContext } from "@/lib/mutation";
import type { DecidedRollback } from "./decide-rollback";
import { rollbackDecisionBody } from "./schemas";

/**
 * `POST /api/v1/rollbacks/{id}/{approve|reject|cancel|retry}`. The body is optional
 * (`{"note": "…"}`), so a pipeline can approve with an empty POST.
 */
export function rollbackDecisionRoute(role: Role, decide: (ctx: MutationContext, id: string, note?: string) => Promise<DecidedRollback>) {
  return apiRoute<undefined, { id: string }>({ role }, async ({ actor, params, requestId, request }) => {
    const raw = await request.text();
    let note: string | undefined;
    if (raw.trim() !== "") {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (error) {
        throw new AppError("VALIDATION", `body: not valid JSON (${(error as Error).message})`);
      }
      const parsed = rollbackDecisionBody.safeParse(value);
      if (!parsed.success) throw validationError(parsed.error);
      note = parsed.data.note;
    }
    return decide({ actor, requestId }, params.id, note);
  });
}
