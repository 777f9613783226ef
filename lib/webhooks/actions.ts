"use server";

import { revalidatePath } from "next/cache";
import { guardedAction } from "@/lib/actions/guarded-action";
import { createWebhook, createWebhookInput, deleteWebhook, setWebhookEnabled, setWebhookEnabledInput, webhookIdInput } from "./manage-webhooks";

const createGuarded = guardedAction({ role: "ADMIN", input: createWebhookInput }, async (input, ctx) => {
  const hook = await createWebhook(ctx, input);
  revalidatePath("/settings/webhooks");
  return { name: hook.name, kind: hook.kind, secret: hook.secret };
});
export async function createWebhookAction(input: unknown) {
  return createGuarded(input);
}

const enabledGuarded = guardedAction({ role: "ADMIN", input: setWebhookEnabledInput }, async (input, ctx) => {
  await setWebhookEnabled(ctx, input.webhookId, input.enabled);
  revalidatePath("/settings/webhooks");
  return null;
});
export async function setWebhookEnabledAction(input: unknown) {
  return enabledGuarded(input);
}

const deleteGuarded = guardedAction({ role: "ADMIN", input: webhookIdInput }, async (input, ctx) => {
  await deleteWebhook(ctx, input.webhookId);
  revalidatePath("/settings/webhooks");
  return null;
});
export async function deleteWebhookAction(input: unknown) {
  return deleteGuarded(input);
}
