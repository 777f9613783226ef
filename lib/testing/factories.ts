import type { Role } from "@prisma/client";
import type { Actor } from "@/lib/actor";
import { createApiToken } from "@/lib/auth/api-tokens";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import { newRequestId, runMutation } from "@/lib/mutation";

let counter = 0;
/** A name no other test in this run uses. */
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export async function makeUser(role: Role, overrides: { password?: string; disabled?: boolean } = {}) {
  const email = `${unique(role.toLowerCase())}@example.test`;
  const user = await db().user.create({
    data: {
      email,
      name: email.split("@")[0]!,
      role,
      passwordHash: await hashPassword(overrides.password ?? "correct horse battery"),
      disabledAt: overrides.disabled ? new Date() : null,
    },
  });
  const actor: Actor = { type: "USER", id: user.id, label: user.email, name: user.name, role: user.role, userId: user.id };
  return { user, actor };
}

/** A bearer token of `role`, created by a user of that role (so disabling the user revokes it). */
export async function makeToken(role: Role) {
  const { user, actor } = await makeUser(role);
  const { token } = await runMutation({ actor: { ...actor, role: "ADMIN" }, requestId: newRequestId() }, "ADMIN", (scope) =>
    createApiToken(scope, { name: unique("token"), role }),
  );
  return { token, user, actor };
}
