import "server-only";
import type { Prisma, RollbackStatus } from "@prisma/client";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import type { ListRollbacksQuery } from "./schemas";
import { POSTMORTEM_TIMESTAMP_SELECT, timingsOfRollback } from "@/lib/incidents/timings";
import { isTerminal } from "./status";

const include = {
  deployment: { select: { slug: true } },
  steps: { orderBy: { position: "asc" } },
  detection: { select: { id: true, metric: true, regressionStartedAt: true, detectedAt: true } },
  approvedBy: { select: { email: true } },
  postmortem: { select: { id: true, status: true, ...POSTMORTEM_TIMESTAMP_SELECT } },
} satisfies Prisma.RollbackOperationInclude;

type Row = Prisma.RollbackOperationGetPayload<{ include: typeof include }>;

export type RollbackStepView = {
  position: number;
  name: string;
  leg: "back" | "forward";
  percent: number | null;
  dwellSeconds: number | null;
  status: string;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  detail: Record<string, unknown> | null;
  error: string | null;
};

/** The public shape of one operation (`GET /api/v1/rollbacks/{id}`), also read by the live view. */
export type RollbackView = {
  id: string;
  status: RollbackStatus;
  terminal: boolean;
  deployment: string;
  kind: "INCIDENT" | "REHEARSAL";
  mode: "instant" | "ramp";
  fromVersion: string;
  toVersion: string;
  reason: string;
  requestedBy: string;
  approvedBy: string | null;
  decisionNote: string | null;
  detectionId: string | null;
  postmortemId: string | null;
  /** The postmortem's status now (DRAFT, IN_REVIEW, APPROVED, CLOSED), not only that one was opened. */
  postmortemStatus: string | null;
  rampStages: number[];
  rampDwellSeconds: number;
  steps: RollbackStepView[];
  warnings: string[];
  timeToDetectMs: number | null;
  timeToDecideMs: number | null;
  timeToExecuteMs: number | null;
  timeToRollbackMs: number | null;
  exposureWindowMs: number | null;
  requestedAt: string;
  approvedAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  failedAt: string | null;
  failureReason: string | null;
};

const iso = (date: Date | null) => (date ? date.toISOString() : null);

async function versionNames(ids: number[]): Promise<Map<number, string>> {
  const rows = await db().modelVersion.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, version: true } });
  return new Map(rows.map((row) => [row.id, row.version]));
}

function toView(row: Row, names: Map<number, string>): RollbackView {
  const steps = row.steps.map((step): RollbackStepView => {
    const params = step.params as { leg?: string; percent?: number; dwellSeconds?: number };
    return {
      position: step.position,
      name: step.name,
      leg: params.leg === "forward" ? "forward" : "back",
      percent: params.percent ?? null,
      dwellSeconds: params.dwellSeconds ?? null,
      status: step.status,
      attempts: step.attempts,
      startedAt: iso(step.startedAt),
      finishedAt: iso(step.finishedAt),
      durationMs: step.startedAt && step.finishedAt ? step.finishedAt.getTime() - step.startedAt.getTime() : null,
      detail: (step.detail ?? null) as Record<string, unknown> | null,
      error: step.error,
    };
  });
  return {
    id: row.id,
    status: row.status,
    terminal: isTerminal(row.status),
    deployment: row.deployment.slug,
    kind: row.kind,
    mode: row.mode === "RAMP" ? "ramp" : "instant",
    fromVersion: names.get(row.fromVersionId) ?? String(row.fromVersionId),
    toVersion: names.get(row.toVersionId) ?? String(row.toVersionId),
    reason: row.reason,
    requestedBy: row.requestedByLabel,
    approvedBy: row.approvedBy?.email ?? null,
    decisionNote: row.decisionNote,
    detectionId: row.detectionId,
    postmortemId: row.postmortem?.id ?? null,
    postmortemStatus: row.postmortem?.status ?? null,
    rampStages: (row.rampStages as number[] | null) ?? [100],
    rampDwellSeconds: row.rampDwellSeconds,
    steps,
    warnings: steps.flatMap((step) => (typeof step.detail?.warning === "string" ? [step.detail.warning] : [])),
    ...timingsOfRollback(row),
    requestedAt: row.requestedAt.toISOString(),
    approvedAt: iso(row.approvedAt),
    startedAt: iso(row.startedAt),
    completedAt: iso(row.completedAt),
    failedAt: iso(row.failedAt),
    failureReason: row.failureReason,
  };
}

export async function getRollback(id: string): Promise<RollbackView> {
  const row = await db().rollbackOperation.findUnique({ where: { id }, include });
  if (!row) throw notFound(`rollback ${id}`);
  return toView(row, await versionNames([row.fromVersionId, row.toVersionId]));
}


/** Newest first. An unknown deployment is a 404 rather than an empty list, so typos show. */
export async function listRollbacks(query: Partial<ListRollbacksQuery> & { statuses?: RollbackStatus[] }): Promise<RollbackView[]> {
  if (query.deployment) {
    const exists = await db().deployment.findUnique({ where: { slug: query.deployment }, select: { id: true } });
    if (!exists) throw notFound(`deployment ${query.deployment}`);
  }
  const rows = await db().rollbackOperation.findMany({
    where: {
      deployment: query.deployment ? { slug: query.deployment } : undefined,
      status: query.statuses ? { in: query.statuses } : query.status,
      kind: query.kind,
    },
    include,
    orderBy: { requestedAt: "desc" },
    take: query.limit ?? 50,
  });
  const names = await versionNames(rows.flatMap((row) => [row.fromVersionId, row.toVersionId]));
  return rows.map((row) => toView(row, names));
}

/** Rollbacks waiting for an approver: the navigation's count. */
export function countAwaitingApproval(): Promise<number> {
  return db().rollbackOperation.count({ where: { status: "AWAITING_APPROVAL" } });
}
