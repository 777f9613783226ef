import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { notFound } from "@/lib/errors";
import { runMutation, type MutationContext } from "@/lib/mutation";
import { WEBHOOK_EVENTS } from "./deliver-webhook";
import { PAGERDUTY_EVENTS_URL } from "./pagerduty";

const name = z.string().trim().min(1, "name is required").max(100, "name: at most 100 characters");
const url = z.url({ protocol: /^https?$/, message: "url must be an http(s) URL" }).max(2000, "url: at most 2000 characters");
const events = z.array(z.enum(WEBHOOK_EVENTS, { message: `events: each one of ${WEBHOOK_EVENTS.join(", ")}` })).max(WEBHOOK_EVENTS.length).default([]);

/**
 * A destination: a Slack-compatible webhook (its signing secret is generated here), or a
 * PagerDuty Events API v2 integration (its routing key is given, and kept like a secret).
 */
export const createWebhookInput = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("slack"), name, url, events }).strict(),
    z
      .object({
        kind: z.literal("pagerduty"),
        name,
        routingKey: z
          .string()
          .trim()
          .regex(/^[A-Za-z0-9]{32}$/, "expected the 32-character integration key of a PagerDuty Events API v2 integration"),
        /** The Events API's base URL; PagerDuty's own unless a region or a relay says otherwise. */
        url: url.default(PAGERDUTY_EVENTS_URL),
        events,
      })
      .strict(),
  ],
  { error: 'kind must be "slack" or "pagerduty"' },
);
export type CreateWebhookInput = z.input<typeof createWebhookInput>;

export const webhookIdInput = z.object({ webhookId: z.string().min(1, "webhookId is required") }).strict();
export const setWebhookEnabledInput = webhookIdInput.extend({ enabled: z.boolean() }).strict();

/**
 * ADMIN. A webhook's signing secret is generated here and shown once to the person creating it;
 * a PagerDuty routing key is stored the same way and never shown again. Neither is audited.
 */
export async function createWebhook(ctx: MutationContext, input: z.output<typeof createWebhookInput>) {
  const secret = input.kind === "pagerduty" ? input.routingKey : `whsec_${randomBytes(24).toString("base64url")}`;
  return runMutation(ctx, "ADMIN", async ({ tx, audit }) => {
    const hook = await tx.webhook.create({
      data: { name: input.name, kind: input.kind === "pagerduty" ? "PAGERDUTY" : "SLACK", url: input.url, events: input.events, secret },
      select: { id: true, name: true, kind: true, url: true, events: true },
    });
    await audit({ action: "webhook.created", targetType: "webhook", targetId: hook.id, after: hook });
    return { ...hook, secret: input.kind === "slack" ? secret : null };
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
