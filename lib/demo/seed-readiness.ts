import "server-only";
import { SYSTEM_ACTOR } from "@/lib/actor";
import { db } from "@/lib/db";
import { newRequestId, runMutation } from "@/lib/mutation";

const SLUG = "support-router";
/** Ten minutes: the worked example's nine-minute rollback met it, with little to spare. */
const SLO_ROLLBACK_SECONDS = 600;
const CONSUMER_ACK_MS: Readonly<Record<string, readonly number[]>> = {
  "triage-agent": [180, 210, 160, 190],
  "escalation-agent": [300, 280, 340, 310],
  // The slowest: it re-reads the whole ticket history on each invalidation.
  "reply-drafter": [820, 910, 640, 700],
};

/**
 * The demo's rollback SLO and readiness history on support-router: a ten-minute target on its
 * rollback plan (and on the worked example's rollbacks, which met it), the readiness indicators
 * its four seeded rehearsals measured (consumer acknowledgement latency, manifest reachability,
 * memory divergence that lasted two weeks after v12's rollback), and one past degradation: an
 * operator shed load to v13 while the v14 rollback waited for approval, then returned to normal.
 */
export async function seedReadiness(log: (line: string) => void = () => {}) {
  const deployment = await db().deployment.findUnique({ where: { slug: SLUG }, select: { id: true } });
  if (!deployment) {
    log("demo readiness: skipped (no support-router deployment)");
    return;
  }
  const rehearsals = await db().rehearsal.findMany({ where: { deploymentId: deployment.id }, orderBy: { startedAt: "asc" } });
  const detection = await db().detection.findFirst({ where: { deploymentId: deployment.id }, orderBy: { detectedAt: "desc" } });
  const rollback = detection ? await db().rollbackOperation.findFirst({ where: { detectionId: detection.id, status: "COMPLETED" } }) : null;
  const operator = await db().user.findUnique({ where: { email: "operator@reversegate.dev" }, select: { email: true } });
  const operatorLabel = operator?.email ?? "operator@reversegate.dev";

  await runMutation({ actor: SYSTEM_ACTOR, requestId: newRequestId() }, "ADMIN", async ({ tx, audit }) => {
    await tx.rollbackPlan.upsert({
      where: { deploymentId: deployment.id },
      create: { deploymentId: deployment.id, sloRollbackSeconds: SLO_ROLLBACK_SECONDS },
      update: { sloRollbackSeconds: SLO_ROLLBACK_SECONDS },
    });
    await tx.rollbackOperation.updateMany({ where: { deploymentId: deployment.id }, data: { sloRollbackSeconds: SLO_ROLLBACK_SECONDS } });

    const firstDivergent = rehearsals[0];
    for (const [index, rehearsal] of rehearsals.entries()) {
      // The first two weeks still held the checkpoint taken under v12 after v12 was rolled back.
      const diverged = index < 2;
      await tx.rehearsal.update({
        where: { id: rehearsal.id },
        data: {
          manifestReachable: true,
          manifestChecks: {
            reachable: true,
            artifacts: [
              { artifact: "vectorIndexSnapshot", ref: "tickets-index-v13", reachable: true, latencyMs: 40 + index * 6 },
              { artifact: "agentMemoryCheckpoint", ref: diverged ? "memory-ckpt-v12" : "memory-ckpt-v13", reachable: true, latencyMs: 90 + index * 11 },
            ],
          },
          memoryCheckpointVersion: diverged ? "v12" : "v13",
          memoryDivergedSince: diverged && firstDivergent ? firstDivergent.startedAt : null,
        },
      });
      for (const leg of ["back", "forward"] as const) {
        const requestedAt = new Date(rehearsal.startedAt.getTime() + (leg === "back" ? 1_200 : 3_600));
        await tx.consumerAcknowledgement.createMany({
          data: Object.entries(CONSUMER_ACK_MS).map(([consumer, latencies]) => ({
            deploymentId: deployment.id,
            operationId: rehearsal.operationId ?? `demo-rehearsal-${rehearsal.id}`,
            invalidationId: `demo-${leg}`,
            consumer,
            requestedAt,
            latencyMs: (latencies[index % latencies.length] ?? 200) + (leg === "forward" ? 30 : 0),
          })),
          skipDuplicates: true,
        });
      }
    }

    if (detection && rollback?.completedAt) {
      const degradedAt = new Date(detection.detectedAt.getTime() + 60_000);
      const reason = "canary_accuracy below v13's floor; shedding to v13 while the rollback waits for approval";
      await tx.degradationChange.create({
        data: {
          deploymentId: deployment.id,
          fromLevel: "NORMAL",
          toLevel: "FALLBACK",
          reason,
          origin: "MANUAL",
          actorLabel: operatorLabel,
          status: "APPLIED",
          servingLevel: "FALLBACK",
          servedBy: "v13 (prior version)",
          requestedAt: degradedAt,
          settledAt: new Date(degradedAt.getTime() + 180),
        },
      });
      const restoredAt = new Date(rollback.completedAt.getTime() + 120_000);
      await tx.degradationChange.create({
        data: {
          deploymentId: deployment.id,
          fromLevel: "FALLBACK",
          toLevel: "NORMAL",
          reason: "rolled back to v13; the live version answers again",
          origin: "MANUAL",
          actorLabel: operatorLabel,
          status: "APPLIED",
          servingLevel: "NORMAL",
          requestedAt: restoredAt,
          settledAt: new Date(restoredAt.getTime() + 150),
        },
      });
      await tx.deployment.update({
        where: { id: deployment.id },
        data: { degradationLevel: "NORMAL", degradationReason: "rolled back to v13; the live version answers again", degradationSetBy: operatorLabel, degradationSince: restoredAt },
      });
      await audit({ action: "degradation.applied", targetType: "deployment", targetId: SLUG, before: { level: "normal" }, after: { level: "fallback", reason, demo: true } });
    }
  });
  log(`demo readiness: ${SLO_ROLLBACK_SECONDS / 60}-minute rollback SLO on ${SLUG}, indicator history on ${rehearsals.length} rehearsals, one past degradation to fallback`);
}
