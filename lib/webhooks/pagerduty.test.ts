import { describe, expect, it } from "vitest";
import { changeEvent, followUpEvent, triggerEvent } from "@/lib/testing/pagerduty-receiver";
import { detectionDedupKey, pagerDutyMessages } from "./pagerduty";

const KEY = "R0UT1NGKEY0123456789abcdefABCDEF";
const at = new Date("2026-06-17T14:00:00Z");
const base = { deployment: "support-router", detectionId: "det1", rollbackId: "rb1", fromVersion: "v14", toVersion: "v13" };

describe("pagerDutyMessages", () => {
  it("triggers one alert per detection, keyed by it, with a link back when the app's URL is known", () => {
    const [trigger, ...rest] = pagerDutyMessages({ ...base, event: "detection.created", text: "*support-router*: canary_accuracy on v14 held below its floor 0.905" }, KEY, "https://rg.example", at);
    expect(rest).toEqual([]);
    expect(trigger?.path).toBe("/v2/enqueue");
    const body = triggerEvent.parse(trigger?.body);
    expect(body).toMatchObject({ dedup_key: detectionDedupKey("det1"), payload: { summary: "support-router: canary_accuracy on v14 held below its floor 0.905", timestamp: "2026-06-17T14:00:00.000Z" } });
    expect(body.links).toEqual([{ href: "https://rg.example/detections/det1", text: "The detection in Reversegate" }]);
  });

  it("resolves the detection's alert and sends a change event when the rollback completes", () => {
    const messages = pagerDutyMessages({ ...base, event: "rollback.completed", text: "rollback v14 → v13 completed" }, KEY, null, at);
    expect(messages.map((m) => m.path)).toEqual(["/v2/enqueue", "/v2/change/enqueue"]);
    expect(followUpEvent.parse(messages[0]?.body)).toEqual({ routing_key: KEY, event_action: "resolve", dedup_key: detectionDedupKey("det1") });
    expect(changeEvent.parse(messages[1]?.body).payload.custom_details).toMatchObject({ rollback_id: "rb1", from_version: "v14", to_version: "v13" });
  });

  it("sends only a change event for a rollback with no detection or a failed one, and nothing for a request", () => {
    expect(pagerDutyMessages({ ...base, detectionId: null, event: "rollback.completed", text: "x" }, KEY, null, at).map((m) => m.path)).toEqual(["/v2/change/enqueue"]);
    expect(pagerDutyMessages({ ...base, event: "rollback.failed", text: "x" }, KEY, null, at).map((m) => m.path)).toEqual(["/v2/change/enqueue"]);
    expect(pagerDutyMessages({ ...base, event: "rollback.requested", text: "x" }, KEY, null, at)).toEqual([]);
  });
});
