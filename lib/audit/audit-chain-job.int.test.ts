import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { getBoss, stopBoss } from "@/lib/jobs/boss";
import { newRequestId, runMutation } from "@/lib/mutation";
import { makeUser } from "@/lib/testing/factories";
import { registerAuditChainCheck } from "./audit-chain-job";

describe("the audit chain's scheduled check", () => {
  it("runs when a worker registers it and records the result the audit page shows", async () => {
    const { actor } = await makeUser("ADMIN");
    await runMutation({ actor, requestId: newRequestId() }, "ADMIN", ({ audit }) => audit({ action: "test.event", targetType: "test", targetId: 1 }));
    const startedAt = new Date();
    const boss = await getBoss();
    try {
      await registerAuditChainCheck(boss, () => {});
      await expect
        .poll(() => db().auditChainVerification.findFirst({ where: { source: "schedule", checkedAt: { gte: startedAt } } }), { timeout: 20_000, interval: 250 })
        .toMatchObject({ ok: true, eventCount: await db().auditEvent.count(), problem: null });
    } finally {
      await stopBoss();
    }
  }, 40_000);
});
