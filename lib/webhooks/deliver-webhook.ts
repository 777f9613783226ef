import "server-only";
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { pagerDutyMessages } from "./pagerduty";

/** What happens to a rollback or rehearsal operation (lib/rollbacks/announce-rollback.ts). */
export const ROLLBACK_WEBHOOK_EVENTS = ["rollback.requested", "rollback.approved", "rollback.completed", "rollback.failed", "rehearsal.failed"] as const;
export type RollbackWebhookEventName = (typeof ROLLBACK_WEBHOOK_EVENTS)[number];

export const WEBHOOK_EVENTS = [
  "detection.created",
  ...ROLLBACK_WEBHOOK_EVENTS,
  // A policy's metric source failed consecutiveErrorLimit evaluations in a row (lib/metrics/evaluate-policy.ts).
  "policy.failing",
] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

export const WEBHOOK_TIMESTAMP_HEADER = "x-reversegate-timestamp";
export const WEBHOOK_SIGNATURE_HEADER = "x-reversegate-signature";
/** A receiver should refuse deliveries signed longer ago than this (replays). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** What happened, for people (`text`) and for machines (the other fields, under `reversegate`). */
export type WebhookEvent = {
  event: WebhookEventName;
  /** One line, Slack mrkdwn allowed, e.g. "support-router: rollback v14 → v13 completed". */
  text: string;
  deployment: string;
  /** The detection this is about, or the one the rollback answers: PagerDuty's alert key. */
  detectionId?: string | null;
  rollbackId?: string;
  rehearsalId?: string;
  fromVersion?: string;
  toVersion?: string;
  status?: string;
  actor?: string;
  reason?: string;
  failureReason?: string | null;
  details?: Record<string, unknown>;
};

export type WebhookDelivery = { webhookId: string; ok: boolean; status: number | null; error: string | null };

/** `v1=` + HMAC-SHA256 over `${timestamp}.${body}`: the timestamp is signed so it cannot be swapped. */
export function signWebhookPayload(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** For receivers (and tests): the signature matches and is recent. */
export function verifyWebhookSignature(
  secret: string,
  headers: { timestamp: string | null | undefined; signature: string | null | undefined },
  body: string,
  nowMs: number = Date.now(),
): boolean {
  if (!headers.timestamp || !headers.signature) return false;
  const seconds = Number(headers.timestamp);
  if (!Number.isInteger(seconds) || Math.abs(nowMs / 1000 - seconds) > WEBHOOK_TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(signWebhookPayload(secret, headers.timestamp, body));
  const actual = Buffer.from(headers.signature);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Slack-compatible: `text` and `blocks` render in Slack; `reversegate` carries the event. */
export function webhookPayload(event: WebhookEvent, deliveryId: string, occurredAt: Date) {
  const facts = [
    event.fromVersion && event.toVersion ? `${event.fromVersion} → ${event.toVersion}` : null,
    event.status ? `status ${event.status}` : null,
    event.actor ? `by ${event.actor}` : null,
    event.failureReason ? `failure: ${event.failureReason}` : null,
  ].filter((fact): fact is string => fact !== null);
  const { text, ...rest } = event;
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text } },
      ...(facts.length > 0 ? [{ type: "context", elements: [{ type: "mrkdwn", text: facts.join(" · ") }] }] : []),
    ],
    reversegate: { deliveryId, occurredAt: occurredAt.toISOString(), ...rest },
  };
}

type Hook = { id: string; name: string; kind: "SLACK" | "PAGERDUTY"; url: string; secret: string };

async function post(webhookId: string, url: string, body: string, headers: Record<string, string> = {}): Promise<WebhookDelivery> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Reversegate-Webhooks/1", ...headers },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(env().WEBHOOK_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return { webhookId, ok: response.ok, status: response.status, error: response.ok ? null : `answered ${response.status}` };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return { webhookId, ok: false, status: null, error: `${error instanceof Error ? error.message : String(error)}${cause}` };
  }
}

function deliverSlack(webhook: Hook, body: string): Promise<WebhookDelivery> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return post(webhook.id, webhook.url, body, {
    [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
    [WEBHOOK_SIGNATURE_HEADER]: signWebhookPayload(webhook.secret, timestamp, body),
  });
}

const PAGERDUTY_ATTEMPTS = 3;
const PAGERDUTY_BACKOFF_MS = 250;

/**
 * Each Events API request in order (a resolve before the change event that explains it),
 * retried as PagerDuty asks: on 429, a 5xx or a network error, never on 400.
 */
async function deliverPagerDuty(webhook: Hook, event: WebhookEvent, occurredAt: Date): Promise<WebhookDelivery[]> {
  const results: WebhookDelivery[] = [];
  const base = webhook.url.replace(/\/+$/, "");
  for (const message of pagerDutyMessages(event, webhook.secret, env().NEXTAUTH_URL ?? null, occurredAt)) {
    let result = await post(webhook.id, `${base}${message.path}`, JSON.stringify(message.body));
    for (let attempt = 1; attempt < PAGERDUTY_ATTEMPTS && !result.ok && (result.status === null || result.status === 429 || result.status >= 500); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, PAGERDUTY_BACKOFF_MS * 2 ** (attempt - 1)));
      result = await post(webhook.id, `${base}${message.path}`, JSON.stringify(message.body));
    }
    results.push(result);
  }
  return results;
}

// Deliveries leave this process one event at a time, in the order they happened: PagerDuty
// drops a resolve that arrives before its trigger.
let inOrder: Promise<unknown> = Promise.resolve();

/**
 * Sends the event to every enabled webhook subscribed to it. Call it after the change has
 * committed. It never throws: a receiver that is down is logged, and the rollback goes on.
 */
export function deliverWebhookEvent(event: WebhookEvent, occurredAt: Date = new Date()): Promise<WebhookDelivery[]> {
  const delivered = inOrder.then(() => deliverNow(event, occurredAt));
  inOrder = delivered;
  return delivered;
}

async function deliverNow(event: WebhookEvent, occurredAt: Date): Promise<WebhookDelivery[]> {
  try {
    const hooks: Hook[] = await db().webhook.findMany({
      where: { enabled: true, OR: [{ events: { isEmpty: true } }, { events: { has: event.event } }] },
      select: { id: true, name: true, kind: true, url: true, secret: true },
    });
    if (hooks.length === 0) return [];
    const body = JSON.stringify(webhookPayload(event, randomUUID(), occurredAt));
    const perHook = await Promise.all(hooks.map((hook) => (hook.kind === "PAGERDUTY" ? deliverPagerDuty(hook, event, occurredAt) : deliverSlack(hook, body).then((r) => [r]))));
    const results = perHook.flat();
    for (const result of results) {
      if (!result.ok) console.error(`[webhooks] ${event.event} to ${hooks.find((h) => h.id === result.webhookId)?.name ?? result.webhookId} failed: ${result.error}`);
    }
    return results;
  } catch (error) {
    console.error(`[webhooks] ${event.event} not delivered:`, error instanceof Error ? error.message : error);
    return [];
  }
}
