import "server-only";
import type { Prisma } from "@prisma/client";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { toChangeView } from "@/lib/degradation/set-degradation";
import { incidentTimings, type IncidentTimestamps } from "@/lib/incidents/timings";
import { validateTimelineOrder, type TimestampField } from "./durations";
import { incidentSlo, sloLines } from "./incident-slo";
import type { PostmortemDocument } from "./markdown";
import { assembleTimeline } from "./timeline";
import { closureBlockers, missingRequiredFields, type PostmortemContent } from "./workflow";

export const postmortemInclude = {
  deployment: { select: { slug: true, model: { select: { slug: true } } } },
  detection: { select: { id: true, metric: true, floorValue: true, floorSource: true, regressionStartedAt: true, detectedAt: true } },
  rollback: {
    select: {
      id: true,
      status: true,
      mode: true,
      requestedByLabel: true,
      requestedAt: true,
      sloRollbackSeconds: true,
      sloDetectSeconds: true,
      steps: { orderBy: { position: "asc" }, select: { name: true, status: true, params: true, startedAt: true, finishedAt: true, error: true, detail: true } },
    },
  },
  authors: { include: { user: { select: { id: true, name: true, email: true } } } },
  corrections: { orderBy: { at: "asc" } },
  reviews: { orderBy: { at: "asc" } },
  gateAddition: true,
  actionItems: { orderBy: { createdAt: "asc" }, include: { owner: { select: { id: true, name: true, email: true } } } },
} satisfies Prisma.PostmortemInclude;

type PostmortemRow = Prisma.PostmortemGetPayload<{ include: typeof postmortemInclude }>;

export const timestampsOf = (pm: Pick<PostmortemRow, TimestampField>): IncidentTimestamps => ({
  badVersionLiveFrom: pm.badVersionLiveFrom,
  impactStartedAt: pm.impactStartedAt,
  detectedAt: pm.detectedAt,
  rollbackRequestedAt: pm.rollbackRequestedAt,
  approvedAt: pm.approvedAt,
  completedAt: pm.completedAt,
});

export const contentOf = (
  pm: Pick<PostmortemRow, "summary" | "whatHappened" | "impact" | "trigger" | "detectionSignal" | "missedCheckSuite" | "missedCheckReason" | "missedCheckDetail"> & {
    gateAddition: { description: string } | null;
  },
): PostmortemContent => ({
  summary: pm.summary,
  whatHappened: pm.whatHappened,
  impact: pm.impact,
  trigger: pm.trigger,
  detectionSignal: pm.detectionSignal,
  missedCheck: { suite: pm.missedCheckSuite, reason: pm.missedCheckReason, detail: pm.missedCheckDetail },
  gateAddition: pm.gateAddition ? { description: pm.gateAddition.description } : null,
});

export const postmortemLinks = (pm: { id: string; rollbackId: string; detectionId: string | null; deploymentSlug: string; modelSlug: string; badVersion: string }) => ({
  self: `/api/v1/postmortems/${pm.id}`,
  html: `/postmortems/${pm.id}`,
  print: `/postmortems/${pm.id}/print`,
  markdown: `/postmortems/${pm.id}/export.md`,
  rollback: `/api/v1/rollbacks/${pm.rollbackId}`,
  rollbackHtml: `/rollbacks/${pm.rollbackId}`,
  deployment: `/deployments/${pm.deploymentSlug}`,
  badVersion: `/models/${pm.modelSlug}/versions/${pm.badVersion}`,
  detection: pm.detectionId ? `/api/v1/detections/${pm.detectionId}` : null,
  detectionHtml: pm.detectionId ? `/detections/${pm.detectionId}` : null,
});

async function versionNames(ids: number[]): Promise<Map<number, string>> {
  const rows = await db().modelVersion.findMany({ where: { id: { in: ids } }, select: { id: true, version: true } });
  return new Map(rows.map((r) => [r.id, r.version]));
}

/** Everything the detail page, the API and the exports show; durations computed, never stored. */
export async function getPostmortem(id: string) {
  const pm = await db().postmortem.findUnique({ where: { id }, include: postmortemInclude });
  if (!pm) throw notFound(`postmortem ${id}`);
  const names = await versionNames([pm.badVersionId, pm.priorVersionId]);
  const badVersion = names.get(pm.badVersionId) ?? String(pm.badVersionId);
  const priorVersion = names.get(pm.priorVersionId) ?? String(pm.priorVersionId);
  const auditEvents = await db().auditEvent.findMany({
    where: {
      OR: [
        { targetType: "postmortem", targetId: pm.id },
        { targetType: "rollback", targetId: pm.rollbackId },
        ...(pm.detectionId ? [{ targetType: "detection", targetId: pm.detectionId }] : []),
      ],
    },
    orderBy: { id: "asc" },
    select: { at: true, action: true, actorLabel: true },
  });
  const actors = await db().user.findMany({
    where: { id: { in: [...new Set([...pm.corrections.map((c) => c.actorId), ...pm.reviews.map((r) => r.actorId)])] } },
    select: { id: true, name: true, email: true },
  });
  const who = (id: string) => actors.find((a) => a.id === id)?.email ?? id;
  const latestCorrection = new Map<TimestampField, { by: string; reason: string }>();
  for (const c of pm.corrections) latestCorrection.set(c.field as TimestampField, { by: who(c.actorId), reason: c.reason });

  const timestamps = timestampsOf(pm);
  const content = contentOf(pm);
  // Level changes from when the bad version could first do harm until the rollback completed.
  const windowStart = pm.badVersionLiveFrom ?? pm.impactStartedAt ?? pm.detectedAt ?? pm.rollback.requestedAt;
  const degradations = (
    await db().degradationChange.findMany({
      where: { deploymentId: pm.deploymentId, requestedAt: { gte: windowStart, ...(pm.completedAt ? { lte: pm.completedAt } : {}) } },
      orderBy: { requestedAt: "asc" },
    })
  ).map(toChangeView);
  const durations = incidentTimings(timestamps);
  const slo = incidentSlo(durations, { rollbackSeconds: pm.rollback.sloRollbackSeconds, detectSeconds: pm.rollback.sloDetectSeconds });
  return {
    id: pm.id,
    title: pm.title,
    status: pm.status,
    severity: pm.severity,
    deployment: pm.deployment.slug,
    model: pm.deployment.model.slug,
    badVersion,
    priorVersion,
    rollbackId: pm.rollbackId,
    rollback: pm.rollback,
    detection: pm.detection,
    fields: {
      summary: pm.summary,
      whatHappened: pm.whatHappened,
      impact: pm.impact,
      impactTrafficShare: pm.impactTrafficShare,
      requestsAffected: pm.requestsAffected,
      trigger: pm.trigger,
      contributingFactors: pm.contributingFactors,
      detectionSignal: pm.detectionSignal,
      missedCheckSuite: pm.missedCheckSuite,
      missedCheckReason: pm.missedCheckReason,
      missedCheckDetail: pm.missedCheckDetail,
      lessons: pm.lessons,
    },
    timestamps,
    durations,
    slo,
    sloLines: sloLines(slo),
    degradations,
    warnings: validateTimelineOrder(timestamps),
    missingFields: missingRequiredFields(content),
    closureBlockers: pm.status === "APPROVED" || pm.status === "CLOSED" ? closureBlockers(pm) : [],
    timeline: assembleTimeline({
      timestamps,
      detection: pm.detection,
      corrections: latestCorrection,
      steps: pm.rollback.steps,
      auditEvents,
      degradations: degradations.map((c) => ({
        at: new Date(c.requestedAt),
        description: `${c.to === "normal" ? "Returned to normal" : `Degraded to ${c.to}`} by ${c.by}${c.origin === "policy" ? " (policy)" : ""}: ${c.reason}${c.status === "applied" ? (c.servedBy ? ` — served by ${c.servedBy}` : "") : ` — ${c.status}${c.error ? `: ${c.error}` : ""}`}`,
      })),
    }),
    authors: pm.authors.map((a) => a.user),
    corrections: pm.corrections.map((c) => ({ ...c, actor: who(c.actorId) })),
    reviews: pm.reviews.map((r) => ({ ...r, actor: who(r.actorId) })),
    reviewApprovedAt: pm.reviewApprovedAt,
    reviewApprovedBy: pm.reviewApprovedById ? who(pm.reviewApprovedById) : null,
    gateAddition: pm.gateAddition,
    actionItems: pm.actionItems,
    createdAt: pm.createdAt,
    updatedAt: pm.updatedAt,
    links: postmortemLinks({ id: pm.id, rollbackId: pm.rollbackId, detectionId: pm.detectionId, deploymentSlug: pm.deployment.slug, modelSlug: pm.deployment.model.slug, badVersion }),
  };
}

export type PostmortemView = Awaited<ReturnType<typeof getPostmortem>>;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** The public JSON of `GET /api/v1/postmortems/{id}`; field names are a contract. */
export function postmortemToJson(pm: PostmortemView) {
  return {
    id: pm.id,
    title: pm.title,
    status: pm.status,
    severity: pm.severity,
    deployment: pm.deployment,
    model: pm.model,
    badVersion: pm.badVersion,
    priorVersion: pm.priorVersion,
    rollbackId: pm.rollbackId,
    detectionId: pm.detection?.id ?? null,
    ...pm.fields,
    missedCheck: { suite: pm.fields.missedCheckSuite, reason: pm.fields.missedCheckReason, detail: pm.fields.missedCheckDetail },
    timestamps: Object.fromEntries(Object.entries(pm.timestamps).map(([k, v]) => [k, iso(v)])),
    durations: pm.durations,
    slo: pm.slo,
    sloSummary: pm.sloLines.map((line) => line.text),
    timelineWarnings: pm.warnings.map((w) => w.message),
    missingFields: pm.missingFields,
    closureBlockers: pm.closureBlockers,
    timeline: pm.timeline.map((e) => ({ at: e.at.toISOString(), source: e.source, description: e.description, correction: e.correction ?? null })),
    authors: pm.authors.map((a) => ({ id: a.id, name: a.name, email: a.email })),
    corrections: pm.corrections.map((c) => ({ field: c.field, previous: iso(c.previous), value: c.value.toISOString(), by: c.actor, reason: c.reason, at: c.at.toISOString() })),
    reviews: pm.reviews.map((r) => ({ decision: r.decision, by: r.actor, comment: r.comment, at: r.at.toISOString() })),
    approvedBy: pm.reviewApprovedBy,
    reviewApprovedAt: iso(pm.reviewApprovedAt),
    gateAddition: pm.gateAddition
      ? { id: pm.gateAddition.id, description: pm.gateAddition.description, suite: pm.gateAddition.suite, status: pm.gateAddition.status, implementedAt: iso(pm.gateAddition.implementedAt), enforcedAt: iso(pm.gateAddition.enforcedAt) }
      : null,
    actionItems: pm.actionItems.map((i) => ({
      id: i.id,
      type: i.type,
      title: i.title,
      owner: { id: i.owner.id, name: i.owner.name, email: i.owner.email },
      dueDate: i.dueDate.toISOString(),
      status: i.status,
      wontDoReason: i.wontDoReason,
      doneAt: iso(i.doneAt),
    })),
    createdAt: pm.createdAt.toISOString(),
    updatedAt: pm.updatedAt.toISOString(),
    links: pm.links,
  };
}

/** The Markdown export's input. */
export function postmortemToDocument(pm: PostmortemView): PostmortemDocument {
  return {
    title: pm.title,
    deployment: pm.deployment,
    badVersion: pm.badVersion,
    restoredVersion: pm.priorVersion,
    severity: pm.severity,
    status: pm.status,
    authors: pm.authors.map((a) => a.name),
    summary: pm.fields.summary,
    whatHappened: pm.fields.whatHappened,
    impact: pm.fields.impact,
    trigger: pm.fields.trigger,
    detectionSignal: pm.fields.detectionSignal,
    lessons: pm.fields.lessons,
    timestamps: pm.timestamps,
    events: pm.timeline.filter((e) => e.source !== "timestamp").map((e) => ({ at: e.at, description: e.description })),
    sloSummary: pm.sloLines.map((line) => line.text),
    missedCheck: { suite: pm.fields.missedCheckSuite, reason: pm.fields.missedCheckReason, detail: pm.fields.missedCheckDetail },
    gateAddition: pm.gateAddition ? { description: pm.gateAddition.description, suite: pm.gateAddition.suite, status: pm.gateAddition.status } : null,
    actionItems: pm.actionItems.map((i) => ({ title: i.title, owner: i.owner.name, dueDate: i.dueDate, status: i.status, wontDoReason: i.wontDoReason })),
  };
}
