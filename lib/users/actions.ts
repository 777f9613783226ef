"use server";

import { revalidatePath } from "next/cache";
import { guardedAction } from "@/lib/actions/guarded-action";
import { createApiToken, revokeApiToken } from "@/lib/auth/api-tokens";
import { runMutation } from "@/lib/mutation";
import { z } from "zod";
import { changeUserRole, createUser, setUserDisabled } from "./manage-users";
import { changeRoleInput, createTokenInput, createUserInput, setUserDisabledInput } from "./schemas";

const createUserGuarded = guardedAction({ role: "ADMIN", input: createUserInput }, async (input, ctx) => {
  const user = await createUser(ctx, input);
  revalidatePath("/settings/users");
  return { id: user.id, email: user.email };
});
export async function createUserAction(input: unknown) {
  return createUserGuarded(input);
}

const changeRoleGuarded = guardedAction({ role: "ADMIN", input: changeRoleInput }, async (input, ctx) => {
  await changeUserRole(ctx, input.userId, input.role);
  revalidatePath("/settings/users");
  return null;
});
export async function changeUserRoleAction(input: unknown) {
  return changeRoleGuarded(input);
}

const setDisabledGuarded = guardedAction({ role: "ADMIN", input: setUserDisabledInput }, async (input, ctx) => {
  await setUserDisabled(ctx, input.userId, input.disabled);
  revalidatePath("/settings/users");
  return null;
});
export async function setUserDisabledAction(input: unknown) {
  return setDisabledGuarded(input);
}

const createTokenGuarded = guardedAction({ role: "ADMIN", input: createTokenInput }, async (input, ctx) => {
  const { token, record } = await runMutation(ctx, "ADMIN", (scope) => createApiToken(scope, input));
  revalidatePath("/settings/tokens");
  return { token, name: record.name, role: record.role };
});
export async function createTokenAction(input: unknown) {
  return createTokenGuarded(input);
}

const revokeTokenGuarded = guardedAction({ role: "ADMIN", input: z.object({ tokenId: z.string().min(1) }) }, async (input, ctx) => {
  await runMutation(ctx, "ADMIN", (scope) => revokeApiToken(scope, input.tokenId));
  revalidatePath("/settings/tokens");
  return null;
});
export async function revokeTokenAction(input: unknown) {
  return revokeTokenGuarded(input);
}
