import "server-only";
import type { MutationScope } from "@/lib/mutation";
import { formatNumber } from "@/lib/format-number";

/**
 * Opens the draft postmortem of a completed incident rollback, already linked to the
 * deployment, both versions, the detection and the rollback, with the timestamps the record
 * already holds. Durations are never stored: they are computed from these timestamps.
 */
export async function openPostmortemDraft(scope: MutationScope, rollbackId: string): Promise<{ id: string } | null> {
  const { tx } = scope;
  const operation = await tx.rollbackOperation.findUniqueOrThrow({
    where: { id: rollbackId },
    include: { detection: true, deployment: { select: { slug: true } }, postmortem: { select: { id: true } } },
  });
  if (operation.kind !== "INCIDENT") return null;
  if (operation.postmortem) return operation.postmortem;
  const versions = await tx.modelVersion.findMany({
    where: { id: { in: [operation.fromVersionId, operation.toVersionId] } },
    select: { id: true, version: true },
  });
  const name = (id: number) => versions.find((v) => v.id === id)?.version ?? String(id);
  const promotion = await tx.promotion.findFirst({
    where: { deploymentId: operation.deploymentId, versionId: operation.fromVersionId },
    orderBy: { promotedAt: "desc" },
    select: { promotedAt: true },
  });
  const detection = operation.detection;
  const postmortem = await tx.postmortem.create({
    data: {
      deploymentId: operation.deploymentId,
      rollbackId: operation.id,
      detectionId: detection?.id ?? null,
      badVersionId: operation.fromVersionId,
      priorVersionId: operation.toVersionId,
      title: `${operation.deployment.slug}: ${name(operation.fromVersionId)} rolled back to ${name(operation.toVersionId)}`,
      trigger: operation.reason,
      detectionSignal: detection
        ? `${detection.metric} held below the floor ${formatNumber(detection.floorValue)} (${detection.floorSource}) for the whole window`
        : "",
      impactStartedAt: detection?.regressionStartedAt ?? null,
      detectedAt: detection?.detectedAt ?? null,
      rollbackRequestedAt: operation.requestedAt,
      approvedAt: operation.approvedAt,
      completedAt: operation.completedAt,
      badVersionLiveFrom: promotion?.promotedAt ?? null,
      authors: operation.requestedById ? { create: [{ userId: operation.requestedById }] } : undefined,
    },
    select: { id: true, title: true },
  });
  await scope.audit({ action: "postmortem.opened", targetType: "postmortem", targetId: postmortem.id, after: { title: postmortem.title, rollbackId } });
  return { id: postmortem.id };
}
