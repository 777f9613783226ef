// A local stand-in for PagerDuty's Events API v2, for tests: it accepts what the documentation
// accepts (https://developer.pagerduty.com/docs/events-api-v2/trigger-events and
// …/send-change-events), refuses anything else with 400 as PagerDuty does, and keeps alerts open
// by dedup_key so a test can check that each trigger is resolved, in order.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

const isoTimestamp = z.iso.datetime({ offset: true });
const link = z.strictObject({ href: z.url(), text: z.string().optional() });
const image = z.strictObject({ src: z.url(), href: z.url().optional(), alt: z.string().optional() });
const routingKey = z.string().length(32);
const dedupKey = z.string().min(1).max(255);

/** `POST /v2/enqueue` with `event_action: trigger`. */
export const triggerEvent = z.strictObject({
  routing_key: routingKey,
  event_action: z.literal("trigger"),
  dedup_key: dedupKey.optional(),
  payload: z.strictObject({
    summary: z.string().min(1).max(1024),
    source: z.string().min(1),
    severity: z.enum(["critical", "error", "warning", "info"]),
    timestamp: isoTimestamp.optional(),
    component: z.string().optional(),
    group: z.string().optional(),
    class: z.string().optional(),
    custom_details: z.record(z.string(), z.unknown()).optional(),
  }),
  images: z.array(image).optional(),
  links: z.array(link).optional(),
  client: z.string().optional(),
  client_url: z.url().optional(),
});

/** `POST /v2/enqueue` with `event_action: acknowledge | resolve`: only the key of the alert. */
export const followUpEvent = z.strictObject({
  routing_key: routingKey,
  event_action: z.enum(["acknowledge", "resolve"]),
  dedup_key: dedupKey,
});

/** `POST /v2/change/enqueue`. */
export const changeEvent = z.strictObject({
  routing_key: routingKey,
  payload: z.strictObject({
    summary: z.string().min(1).max(1024),
    source: z.string().optional(),
    timestamp: isoTimestamp.optional(),
    custom_details: z.record(z.string(), z.unknown()).optional(),
  }),
  links: z.array(link).optional(),
});

export type ReceivedEvent =
  | { kind: "trigger"; body: z.infer<typeof triggerEvent> }
  | { kind: "resolve" | "acknowledge"; body: z.infer<typeof followUpEvent> }
  | { kind: "change"; body: z.infer<typeof changeEvent> };

export type PagerDutyReceiver = {
  url: string;
  /** Accepted events in arrival order. */
  events: ReceivedEvent[];
  /** Requests refused as PagerDuty would refuse them, with why. */
  refused: { path: string; body: string; problem: string }[];
  /** Resolves that named no open alert (PagerDuty drops them silently: a bug on our side). */
  orphanResolves: string[];
  /** Alerts triggered and not resolved, by dedup_key. */
  open: Set<string>;
  /** Make the next `n` requests fail with 503, as PagerDuty under load does. */
  failNext: (n: number) => void;
  close: () => Promise<void>;
};

export async function startPagerDutyReceiver(): Promise<PagerDutyReceiver> {
  const events: ReceivedEvent[] = [];
  const refused: PagerDutyReceiver["refused"] = [];
  const orphanResolves: string[] = [];
  const open = new Set<string>();
  let failing = 0;
  const answer = (response: import("node:http").ServerResponse, status: number, body: unknown) =>
    response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

  const server: Server = createServer((request, response) => {
    let raw = "";
    request.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    request.on("end", () => {
      const path = request.url ?? "";
      if (failing > 0) {
        failing -= 1;
        return answer(response, 503, { status: "unavailable" });
      }
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        refused.push({ path, body: raw, problem: "not JSON" });
        return answer(response, 400, { status: "invalid event", message: "Event object is invalid" });
      }
      const refuse = (problem: string) => {
        refused.push({ path, body: raw, problem });
        answer(response, 400, { status: "invalid event", message: "Event object is invalid", errors: [problem] });
      };
      if (request.method !== "POST" || request.headers["content-type"] !== "application/json") return refuse(`${request.method} with ${request.headers["content-type"]}`);
      if (path === "/v2/change/enqueue") {
        const parsed = changeEvent.safeParse(json);
        if (!parsed.success) return refuse(z.prettifyError(parsed.error));
        events.push({ kind: "change", body: parsed.data });
        return answer(response, 202, { status: "success", message: "Change event processed" });
      }
      if (path !== "/v2/enqueue") return refuse(`unknown path ${path}`);
      const action = (json as { event_action?: unknown }).event_action;
      if (action === "trigger") {
        const parsed = triggerEvent.safeParse(json);
        if (!parsed.success) return refuse(z.prettifyError(parsed.error));
        const key = parsed.data.dedup_key ?? crypto.randomUUID();
        open.add(key);
        events.push({ kind: "trigger", body: parsed.data });
        return answer(response, 202, { status: "success", message: "Event processed", dedup_key: key });
      }
      const parsed = followUpEvent.safeParse(json);
      if (!parsed.success) return refuse(z.prettifyError(parsed.error));
      if (parsed.data.event_action === "resolve") {
        if (open.has(parsed.data.dedup_key)) open.delete(parsed.data.dedup_key);
        else orphanResolves.push(parsed.data.dedup_key);
      }
      events.push({ kind: parsed.data.event_action, body: parsed.data });
      return answer(response, 202, { status: "success", message: "Event processed", dedup_key: parsed.data.dedup_key });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    events,
    refused,
    orphanResolves,
    open,
    failNext: (n) => {
      failing = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
