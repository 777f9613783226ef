// PagerDuty Events API v2: what Reversegate sends for each event, as pure data, and its delivery.
// A detection triggers an alert keyed by the detection (`dedup_key`); the rollback that answers
// it resolves that alert when it completes; rollbacks that change the serving plane are sent as
// change events. https://developer.pagerduty.com/docs/events-api-v2/overview

import type { WebhookEvent } from "./deliver-webhook";

export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com";
export const PAGERDUTY_ALERT_PATH = "/v2/enqueue";
export const PAGERDUTY_CHANGE_PATH = "/v2/change/enqueue";

/** One alert per detection: the trigger and the resolve that closes it share this key. */
export const detectionDedupKey = (detectionId: string) => `reversegate/detection/${detectionId}`;

export type PagerDutyMessage = { path: typeof PAGERDUTY_ALERT_PATH | typeof PAGERDUTY_CHANGE_PATH; body: Record<string, unknown> };

const SUMMARY_MAX = 1024;
/** Slack's *bold* markers mean nothing in PagerDuty. */
const plain = (text: string) => text.replace(/\*([^*]+)\*/g, "$1").slice(0, SUMMARY_MAX);
const link = (appUrl: string | null, path: string, text: string) => (appUrl ? [{ href: new URL(path, appUrl).toString(), text }] : []);

/**
 * The Events API requests one Reversegate event becomes (none for events PagerDuty need not
 * hear about). `appUrl` is the app's public URL for links back, when it is known.
 */
export function pagerDutyMessages(event: WebhookEvent, routingKey: string, appUrl: string | null, occurredAt: Date): PagerDutyMessage[] {
  const source = event.deployment;
  const client = appUrl ? { client: "Reversegate", client_url: appUrl } : { client: "Reversegate" };
  const change = (details: Record<string, unknown>): PagerDutyMessage => ({
    path: PAGERDUTY_CHANGE_PATH,
    body: {
      routing_key: routingKey,
      payload: { summary: plain(event.text), timestamp: occurredAt.toISOString(), source, custom_details: details },
      links: event.rollbackId ? link(appUrl, `/rollbacks/${event.rollbackId}`, "The rollback in Reversegate") : [],
    },
  });
  const rollbackDetails = { rollback_id: event.rollbackId, from_version: event.fromVersion, to_version: event.toVersion, status: event.status, reason: event.reason, ...event.details };

  switch (event.event) {
    case "detection.created": {
      if (!event.detectionId) return [];
      return [
        {
          path: PAGERDUTY_ALERT_PATH,
          body: {
            routing_key: routingKey,
            event_action: "trigger",
            dedup_key: detectionDedupKey(event.detectionId),
            payload: {
              summary: plain(event.text),
              source,
              severity: "critical",
              timestamp: occurredAt.toISOString(),
              component: event.fromVersion,
              group: source,
              class: "canary regression",
              custom_details: { detection_id: event.detectionId, ...event.details },
            },
            links: link(appUrl, `/detections/${event.detectionId}`, "The detection in Reversegate"),
            ...client,
          },
        },
      ];
    }
    case "rollback.completed":
      return [
        ...(event.detectionId ? [{ path: PAGERDUTY_ALERT_PATH, body: { routing_key: routingKey, event_action: "resolve", dedup_key: detectionDedupKey(event.detectionId) } } as const] : []),
        change(rollbackDetails),
      ];
    case "rollback.failed":
      return [change(rollbackDetails)];
    default:
      return [];
  }
}
