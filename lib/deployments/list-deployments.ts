import "server-only";
import type { Prisma } from "@prisma/client";
import { db } from "@/lib/db";
import { deploymentListInclude, loadLatest, loadPendingRollbacks, loadVersionNamesById, toDeploymentView } from "./deployment-views";
import type { DeploymentList, DeploymentListQuery, DeploymentView } from "./schemas";

export const DEPLOYMENTS_PAGE_SIZE = 20;

const HEALTH_URGENCY: Record<DeploymentView["health"]["tone"], number> = { bad: 0, warn: 1, neutral: 2, ok: 3 };
const STATE_URGENCY: Record<DeploymentView["state"], number> = { ROLLING_BACK: 0, FROZEN: 1, STABLE: 2 };
const byText = new Intl.Collator("en", { numeric: true });

const COMPARE: Record<DeploymentListQuery["sort"], (a: DeploymentView, b: DeploymentView) => number> = {
  slug: (a, b) => byText.compare(a.slug, b.slug),
  // The one state shown per deployment: the most urgent health first.
  state: (a, b) => HEALTH_URGENCY[a.health.tone] - HEALTH_URGENCY[b.health.tone] || STATE_URGENCY[a.state] - STATE_URGENCY[b.state] || byText.compare(a.slug, b.slug),
  // Never promoted / never rolled back sorts as the oldest.
  lastPromotion: (a, b) => (a.lastPromotion?.at ?? "").localeCompare(b.lastPromotion?.at ?? ""),
  lastRollback: (a, b) => (a.lastRollback?.requestedAt ?? "").localeCompare(b.lastRollback?.requestedAt ?? ""),
};

/**
 * Deployments matching the filters, sorted and paged. A control plane holds tens of
 * deployments, so sorting by derived fields (last promotion, last rollback) happens in memory.
 */
export async function listDeployments(query: DeploymentListQuery): Promise<DeploymentList> {
  const where: Prisma.DeploymentWhereInput = {
    ...(query.state ? { state: query.state } : {}),
    ...(query.model ? { model: { slug: query.model } } : {}),
    ...(query.q ? { OR: [{ slug: { contains: query.q, mode: "insensitive" } }, { model: { slug: { contains: query.q, mode: "insensitive" } } }] } : {}),
  };
  const found = await db().deployment.findMany({ where, include: deploymentListInclude });
  const ids = found.map((r) => r.id);
  const [latest, pending] = await Promise.all([loadLatest(db(), ids), loadPendingRollbacks(db(), ids)]);
  const rows = found.map((row) => ({ ...row, ...latest.get(row.id)! }));
  const named = rows.flatMap((r) => [
    r.liveVersionId,
    r.priorVersionId,
    ...r.promotions.flatMap((p) => [p.versionId, p.replacedVersionId]),
    ...r.rollbacks.flatMap((b) => [b.fromVersionId, b.toVersionId]),
    ...r.detections.map((d) => d.versionId),
    pending.get(r.id)?.toVersionId ?? null,
  ]);
  const names = await loadVersionNamesById(db(), [...new Set(named.filter((id): id is number => id !== null))]);
  const views = rows.map((row) => toDeploymentView(row, names, pending.get(row.id)));
  views.sort(COMPARE[query.sort]);
  if (query.order === "desc") views.reverse();

  const pages = Math.max(1, Math.ceil(views.length / DEPLOYMENTS_PAGE_SIZE));
  const page = Math.min(query.page, pages);
  return {
    deployments: views.slice((page - 1) * DEPLOYMENTS_PAGE_SIZE, page * DEPLOYMENTS_PAGE_SIZE),
    total: views.length,
    page,
    pages,
  };
}
