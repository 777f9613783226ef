import "server-only";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { toChangeView } from "@/lib/degradation/set-degradation";
import { loadVersionNames } from "./deployment-views";

export type TimelineEntry =
  | {
      kind: "promotion";
      id: string;
      at: string;
      version: string;
      replacedVersion: string | null;
      actor: string;
      override: boolean;
      floor: number | null;
    }
  | {
      kind: "rollback";
      id: string;
      at: string;
      fromVersion: string;
      toVersion: string;
      status: string;
      mode: string;
      reason: string;
      requestedBy: string;
      completedAt: string | null;
    }
  | {
      kind: "rehearsal";
      id: string;
      at: string;
      status: string;
      trigger: string;
      requestedBy: string;
      finishedAt: string | null;
      failureReason: string | null;
    }
  | {
      kind: "degradation";
      id: string;
      at: string;
      from: string;
      to: string;
      /** pending, applied or failed; `error` says why a change failed. */
      status: string;
      reason: string;
      by: string;
      origin: "manual" | "policy";
      servedBy: string | null;
      error: string | null;
    };

const TIMELINE_LIMIT = 100;

/** Promotions, rollbacks, rehearsals and degradation changes of one deployment as one history, newest first. */
export async function getDeploymentTimeline(deploymentSlug: string): Promise<TimelineEntry[]> {
  const deployment = await db().deployment.findUnique({ where: { slug: deploymentSlug }, select: { id: true, modelId: true } });
  if (!deployment) throw notFound(`deployment ${deploymentSlug}`);
  const [names, promotions, rollbacks, rehearsals, degradations] = await Promise.all([
    loadVersionNames(db(), [deployment.modelId]),
    db().promotion.findMany({ where: { deploymentId: deployment.id }, orderBy: { promotedAt: "desc" }, take: TIMELINE_LIMIT }),
    db().rollbackOperation.findMany({ where: { deploymentId: deployment.id }, orderBy: { requestedAt: "desc" }, take: TIMELINE_LIMIT }),
    db().rehearsal.findMany({ where: { deploymentId: deployment.id }, orderBy: { startedAt: "desc" }, take: TIMELINE_LIMIT }),
    db().degradationChange.findMany({ where: { deploymentId: deployment.id }, orderBy: { requestedAt: "desc" }, take: TIMELINE_LIMIT }),
  ]);
  const name = (id: number) => names.get(id) ?? `#${id}`;
  // A rehearsal runs its legs as a rollback operation; it appears once, as the rehearsal.
  const rehearsalOperations = new Set(rehearsals.map((r) => r.operationId));

  const entries: TimelineEntry[] = [
    ...promotions.map((p): TimelineEntry => ({
      kind: "promotion",
      id: p.id,
      at: p.promotedAt.toISOString(),
      version: name(p.versionId),
      replacedVersion: p.replacedVersionId === null ? null : name(p.replacedVersionId),
      actor: p.actor,
      override: p.override,
      floor: p.floor,
    })),
    ...rollbacks
      .filter((r) => !rehearsalOperations.has(r.id))
      .map((r): TimelineEntry => ({
        kind: "rollback",
        id: r.id,
        at: r.requestedAt.toISOString(),
        fromVersion: name(r.fromVersionId),
        toVersion: name(r.toVersionId),
        status: r.status,
        mode: r.mode,
        reason: r.reason,
        requestedBy: r.requestedByLabel,
        completedAt: r.completedAt?.toISOString() ?? null,
      })),
    ...rehearsals.map((r): TimelineEntry => ({
      kind: "rehearsal",
      id: r.id,
      at: r.startedAt.toISOString(),
      status: r.status,
      trigger: r.trigger,
      requestedBy: r.requestedBy,
      finishedAt: r.finishedAt?.toISOString() ?? null,
      failureReason: r.failureReason,
    })),
    ...degradations.map(toChangeView).map((c): TimelineEntry => ({
      kind: "degradation",
      id: c.id,
      at: c.requestedAt,
      from: c.from,
      to: c.to,
      status: c.status,
      reason: c.reason,
      by: c.by,
      origin: c.origin,
      servedBy: c.servedBy,
      error: c.error,
    })),
  ];
  return entries.sort((a, b) => b.at.localeCompare(a.at)).slice(0, TIMELINE_LIMIT);
}
