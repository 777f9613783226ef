import "server-only";
import type { Role } from "@prisma/client";
import type { z } from "zod";
import { getCurrentUser, userActor } from "@/lib/auth/current-user";
import { hasRole } from "@/lib/auth/roles";
import { AppError, forbidden, toErrorResponse, validationError, type FieldIssue } from "@/lib/errors";
import { newRequestId, type MutationContext } from "@/lib/mutation";
import { refuseUnsafeText } from "@/lib/security/unsafe-text";

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; error: { code: string; message: string; issues?: FieldIssue[] } };

/**
 * The one path for dashboard mutations: signed in → role → text the database can hold →
 * validated input → the domain
 * function (which runs its transaction and audit through `runMutation`). The browser only ever
 * sees an error code and a message meant for it.
 */
export function guardedAction<TInput, TOutput>(
  options: { role: Role; input: z.ZodType<TInput> },
  work: (input: TInput, ctx: MutationContext) => Promise<TOutput>,
) {
  return async (raw: unknown): Promise<ActionResult<TOutput>> => {
    const requestId = newRequestId();
    try {
      const user = await getCurrentUser();
      if (!user) throw new AppError("UNAUTHENTICATED", "your session has ended; sign in again");
      if (!hasRole(user.role, options.role)) throw forbidden(`this needs the ${options.role} role; you are ${user.role}`);
      refuseUnsafeText(raw);
      const parsed = options.input.safeParse(raw);
      if (!parsed.success) throw validationError(parsed.error);
      const data = await work(parsed.data, { actor: userActor(user), requestId });
      return { ok: true, data };
    } catch (error) {
      const { body } = toErrorResponse(error, requestId);
      return { ok: false, error: { code: body.error, message: body.message, issues: body.issues } };
    }
  };
}
