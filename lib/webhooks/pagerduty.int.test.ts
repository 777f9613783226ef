// PagerDuty as an incident feed, against a local receiver that accepts only what the Events API
// v2 documentation accepts: a detection triggers, the rollback that answers it resolves the same
// dedup_key when it completes, and the rollback is also a change event.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { stopBoss } from "@/lib/jobs/boss";
import { evaluatePolicy } from "@/lib/metrics/evaluate-policy";
import { rollbackOutcomes } from "@/lib/jobs/rollback-outcomes";
import { storeResolvedPoints } from "@/lib/metrics/sources/push/store";
import { newRequestId } from "@/lib/mutation";
import { approveRollback } from "@/lib/rollbacks/decide-rollback";
import { executeRollback } from "@/lib/rollbacks/execute-rollback";
import { startSimulatorProcess, type SimulatorProcess } from "@/lib/rollbacks/simulator-process";
import { startPagerDutyReceiver, type PagerDutyReceiver } from "@/lib/testing/pagerduty-receiver";
import { makeDeployment, makePolicy, makeRollbackPlan, makeUser } from "@/lib/testing/factories";
import { createWebhook, createWebhookInput } from "./manage-webhooks";
import { detectionDedupKey } from "./pagerduty";

const ROUTING_KEY = "R0UT1NGKEY0123456789abcdefABCDEF";
let sim: SimulatorProcess;
let pagerDuty: PagerDutyReceiver;

beforeAll(async () => {
  [sim, pagerDuty] = await Promise.all([startSimulatorProcess(), startPagerDutyReceiver()]);
  const admin = await makeUser("ADMIN");
  const input = createWebhookInput.parse({ kind: "pagerduty", name: "on-call", routingKey: ROUTING_KEY, url: pagerDuty.url });
  const created = await createWebhook({ actor: admin.actor, requestId: newRequestId() }, input);
  expect(created).toMatchObject({ kind: "PAGERDUTY", secret: null });
});

afterAll(async () => {
  await db().webhook.updateMany({ where: { kind: "PAGERDUTY" }, data: { enabled: false } });
  await stopBoss();
  await Promise.all([sim?.stop(), pagerDuty?.close()]);
});

async function until(condition: () => boolean, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the PagerDuty destination", () => {
  it("keeps the routing key like a secret and refuses one that is not an Events API v2 key", async () => {
    const stored = await db().webhook.findFirstOrThrow({ where: { kind: "PAGERDUTY", url: pagerDuty.url } });
    expect(stored.secret).toBe(ROUTING_KEY);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "webhook.created", targetId: stored.id } });
    expect(JSON.stringify(audit.after)).not.toContain(ROUTING_KEY);
    const bad = createWebhookInput.safeParse({ kind: "pagerduty", name: "x", routingKey: "not a key" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toContain("32-character integration key");
    expect(createWebhookInput.parse({ kind: "pagerduty", name: "x", routingKey: ROUTING_KEY })).toMatchObject({ url: "https://events.pagerduty.com" });
  });

  it("triggers on a detection, resolves that alert when the rollback completes, and records the rollback as a change", async () => {
    const { deployment, versions } = await makeDeployment({ versions: ["v13", "v14"], serving: { kind: "http", baseUrl: sim.url } });
    await sim.serving.pinVersion(deployment.slug, { version: "v14" });
    const v14 = versions.find((v) => v.version === "v14")!;
    const policy = await makePolicy(deployment.id, { floorValue: 0.9, windowSeconds: 600, minSamples: 5, action: "REQUEST" });
    await makeRollbackPlan(deployment.id, { mode: "INSTANT" });
    // Ten minutes of v14 at 0.80 against the 0.90 floor: a sustained breach.
    const now = Date.now();
    const times = Array.from({ length: 61 }, (_, i) => now - 600_000 + i * 10_000);
    await storeResolvedPoints({
      deploymentIds: times.map(() => deployment.id),
      metrics: times.map(() => "canary_accuracy"),
      versionIds: times.map(() => v14.id),
      times,
      values: times.map(() => 0.8),
      counts: times.map(() => 20),
    });
    // PagerDuty is briefly unavailable: the trigger is retried, not lost.
    pagerDuty.failNext(1);
    const outcome = await evaluatePolicy(policy.id, { now });
    expect(outcome).toMatchObject({ status: "evaluated", verdict: "breach", detectionId: expect.any(String) });
    if (outcome.status !== "evaluated" || !outcome.detectionId || !outcome.rollback || !("id" in outcome.rollback)) throw new Error("expected a detection and its rollback request");
    const dedupKey = detectionDedupKey(outcome.detectionId);
    await until(() => pagerDuty.open.has(dedupKey), "the trigger");

    const approver = await makeUser("APPROVER");
    await approveRollback({ actor: approver.actor, requestId: newRequestId() }, outcome.rollback.id);
    expect(await executeRollback(outcome.rollback.id, { outcomes: rollbackOutcomes, consumerAckTimeoutMs: 500 })).toBe("completed");
    await until(() => pagerDuty.events.some((e) => e.kind === "change" && e.body.payload.source === deployment.slug), "the resolve and the change event");

    expect(pagerDuty.refused).toEqual([]);
    expect(pagerDuty.orphanResolves).toEqual([]);
    const mine = pagerDuty.events.filter((e) => (e.kind === "change" ? e.body.payload.source === deployment.slug : e.body.dedup_key === dedupKey));
    expect(mine.map((e) => e.kind)).toEqual(["trigger", "resolve", "change"]);
    const [trigger, , change] = mine;
    expect(trigger).toMatchObject({
      body: {
        routing_key: ROUTING_KEY,
        dedup_key: dedupKey,
        payload: { source: deployment.slug, severity: "critical", summary: expect.stringContaining("canary_accuracy on v14 held below its floor 0.9"), custom_details: { detection_id: outcome.detectionId, version: "v14" } },
      },
    });
    expect(change).toMatchObject({ body: { payload: { summary: expect.stringContaining("rollback v14 → v13 completed"), custom_details: { rollback_id: outcome.rollback.id, to_version: "v13" } } } });
    expect(pagerDuty.open.has(dedupKey)).toBe(false);
  });
});
