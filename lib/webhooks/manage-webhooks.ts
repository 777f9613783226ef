import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { notFound } from "@/lib/errors";
import { runMutation, type MutationContext } from "@/lib/mutation";
import { WEBHOOK_EVENTS } from "./deliver-webhook";

export const createWebhookInput = z
  .object({
    name: z.string().trim().min(1, "name is required").max(100, "name: at most 100 characters"),
    url: z.url({ protocol: /^https?$/, message: "url must be an http(s) URL" }).max(2000, "url: at most 2000 characters"),
    events: z.array(z.enum(WEBHOOK_EVENTS, { message: `events: each one of ${WEBHOOK_EVENTS.join(", ")}` })).max(WEBHOOK_EVENTS.length).default([]),
  })
  .strict();
export type CreateWebhookInput = z.input<typeof createWebhookInput>;

export const webhookIdInput = z.object({ webhookId: z.string().min(1, "webhookId is required") }).strict();
export const setWebhookEnabledInput = webhookIdInput.extend({ enabled: z.boolean() }).strict();

/** ADMIN. The signing secret is generated here and shown once to the person creating the hook. */
export async function createWebhook(ctx: MutationContext, input: z.output<typeof createWebhookInput>) {
  const secret = `whsec_${randomBytes(24).toString("base64url")}`;
  return runMutation(ctx, "ADMIN", async ({ tx, audit }) => {
    const hook = await tx.webhook.create({ data: { name: input.name, url: input.url, events: input.events, secret }, select: { id: true, name: true, url: true, events: true } });
    await audit({ action: "webhook.created", targetType: "webhook", targetId: hook.id, after: hook });
    return { ...hook, secret };
  });
}

export async function setWebhookEnabled(ctx: MutationContext, webhookId: string, enabled: boolean) {
  return runMutation(ctx, "ADMIN", async ({ tx, audit }) => {
    const before = await tx.webhook.findUnique({ where: { id: webhookId }, select: { enabled: true, name: true } });
    if (!before) throw notFound("webhook");
    await tx.webhook.update({ where: { id: webhookId }, data: { enabled } });
    await audit({ action: enabled ? "webhook.enabled" : "webhook.disabled", targetType: "webhook", targetId: webhookId, before, after: { enabled } });
  });
}

export async function deleteWebhook(ctx: MutationContext, webhookId: string) {
  return runMutation(ctx, "ADMIN", async ({ tx, audit }) => {
    const before = await tx.webhook.findUnique({ where: { id: webhookId }, select: { name: true, url: true, events: true } });
    if (!before) throw notFound("webhook");
    await tx.webhook.delete({ where: { id: webhookId } });
    await audit({ action: "webhook.deleted", targetType: "webhook", targetId: webhookId, before });
  });
}
