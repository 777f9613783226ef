import "server-only";
import { db } from "@/lib/db";
import { formatDuration } from "@/lib/format-duration";
import { deliverWebhookEvent, type RollbackWebhookEventName } from "@/lib/webhooks/deliver-webhook";
import { POSTMORTEM_TIMESTAMP_SELECT, timingsOfRollback } from "@/lib/incidents/timings";


/**
 * Tells the outside world (webhooks) what just happened to an operation. Called after the change
 * committed; never throws and is not awaited on the rollback's critical path.
 */
export function announceRollback(operationId: string, event: RollbackWebhookEventName): void {
  void (async () => {
    const op = await db().rollbackOperation.findUnique({
      where: { id: operationId },
      include: {
        deployment: { select: { slug: true } },
        approvedBy: { select: { email: true } },
        detection: { select: { regressionStartedAt: true, detectedAt: true } },
        postmortem: { select: POSTMORTEM_TIMESTAMP_SELECT },
        rehearsal: { select: { id: true } },
      },
    });
    // A rehearsal is routine: only its failure is news.
    if (!op || (op.kind === "REHEARSAL" && !event.startsWith("rehearsal."))) return;
    const versions = await db().modelVersion.findMany({ where: { id: { in: [op.fromVersionId, op.toVersionId] } }, select: { id: true, version: true } });
    const name = (id: number) => versions.find((v) => v.id === id)?.version ?? String(id);
    const from = name(op.fromVersionId);
    const to = name(op.toVersionId);
    const what = op.kind === "REHEARSAL" ? `rehearsal ${from} → ${to} → ${from}` : `rollback ${from} → ${to}`;
    const head = `*${op.deployment.slug}*: ${what}`;
    const timings = timingsOfRollback(op);
    const text: Record<RollbackWebhookEventName, string> = {
      "rollback.requested": `${head} requested by ${op.requestedByLabel} (${op.mode.toLowerCase()}): ${op.reason}`,
      "rollback.approved": `${head} ${op.approvedBy ? `approved by ${op.approvedBy.email}` : `approved automatically (${op.decisionNote ?? "policy"})`}; executing`,
      "rollback.completed": `${head} completed: ${to} carries all traffic (executed in ${formatDuration(timings.timeToExecuteMs)}, time to roll back ${formatDuration(timings.timeToRollbackMs)})`,
      "rollback.failed": `${head} FAILED: ${op.failureReason ?? "unknown cause"}. The database still shows ${from} live; the serving plane may be half-moved.`,
      "rehearsal.failed": `${head} FAILED: ${op.failureReason ?? "unknown cause"}`,
    };
    const occurredAt = (event === "rollback.completed" ? op.completedAt : event.endsWith(".failed") ? op.failedAt : event === "rollback.approved" ? op.approvedAt : op.requestedAt) ?? new Date();
    await deliverWebhookEvent({
      event,
      text: text[event],
      deployment: op.deployment.slug,
      detectionId: op.detectionId,
      rollbackId: op.id,
      rehearsalId: op.rehearsal?.id,
      fromVersion: from,
      toVersion: to,
      status: op.status,
      actor: event === "rollback.requested" ? op.requestedByLabel : (op.approvedBy?.email ?? undefined),
      reason: op.reason,
      failureReason: op.failureReason,
      details: { kind: op.kind, mode: op.mode, ...timings },
    }, occurredAt);
  })().catch((error: unknown) => console.error(`[webhooks] ${event} for ${operationId}:`, error instanceof Error ? error.message : error));
}
