import "server-only";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";

export interface DetectionView {
  id: string;
  metric: string;
  version: string;
  /** First sample of the sustained breach. */
  regressionStartedAt: string;
  detectedAt: string;
  timeToDetectMs: number;
  floorValue: number;
  floorSource: string;
  windowStats: Record<string, unknown>;
  /** The window's samples that justified the verdict (min/max-downsampled past 500). */
  evidence: { ts: string; value: number; sampleCount: number }[];
  /** `degrade`: the policy degraded the deployment and requested a rollback. */
  action: "notify" | "request" | "auto" | "degrade";
  resolvedAt: string | null;
  rollbacks: { id: string; status: string; requestedAt: string; startedAt: string | null; completedAt: string | null }[];
}

/** The deployment's detections, newest first. */
export async function listDetections(deploymentSlug: string, options: { metric?: string; limit?: number } = {}): Promise<DetectionView[]> {
  const deployment = await db().deployment.findUnique({ where: { slug: deploymentSlug }, select: { id: true } });
  if (!deployment) throw notFound(`deployment ${deploymentSlug}`);
  const rows = await db().detection.findMany({
    where: { deploymentId: deployment.id, ...(options.metric ? { metric: options.metric } : {}) },
    orderBy: { detectedAt: "desc" },
    take: options.limit ?? 50,
    include: {
      rollbacks: { select: { id: true, status: true, requestedAt: true, startedAt: true, completedAt: true }, orderBy: { requestedAt: "asc" } },
    },
  });
  const versionIds = [...new Set(rows.map((r) => r.versionId))];
  const versions = await db().modelVersion.findMany({ where: { id: { in: versionIds } }, select: { id: true, version: true } });
  const names = new Map(versions.map((v) => [v.id, v.version]));
  return rows.map((r) => ({
    id: r.id,
    metric: r.metric,
    version: names.get(r.versionId) ?? String(r.versionId),
    regressionStartedAt: r.regressionStartedAt.toISOString(),
    detectedAt: r.detectedAt.toISOString(),
    timeToDetectMs: r.timeToDetectMs,
    floorValue: r.floorValue,
    floorSource: r.floorSource,
    windowStats: r.windowStats as Record<string, unknown>,
    evidence: r.evidence as DetectionView["evidence"],
    action: r.action.toLowerCase() as DetectionView["action"],
    resolvedAt: r.resolvedAt?.toISOString() ?? null,
    rollbacks: r.rollbacks.map((op) => ({
      id: op.id,
      status: op.status,
      requestedAt: op.requestedAt.toISOString(),
      startedAt: op.startedAt?.toISOString() ?? null,
      completedAt: op.completedAt?.toISOString() ?? null,
    })),
  }));
}
