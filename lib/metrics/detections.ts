import "server-only";
import type { Prisma } from "@prisma/client";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { POSTMORTEM_TIMESTAMP_SELECT, timingsOfRollback } from "@/lib/incidents/timings";

export interface DetectionView {
  id: string;
  deployment: string;
  metric: string;
  version: string;
  /** First sample of the sustained breach. */
  regressionStartedAt: string;
  detectedAt: string;
  /** Time to detect, read through the incident's postmortem when it has one (lib/incidents/timings.ts). */
  timeToDetectMs: number | null;
  floorValue: number;
  floorSource: string;
  windowStats: Record<string, unknown>;
  /** The window's samples that justified the verdict (min/max-downsampled past 500). */
  evidence: { ts: string; value: number; sampleCount: number }[];
  /** `degrade`: the policy degraded the deployment and requested a rollback. */
  action: "notify" | "request" | "auto" | "degrade";
  resolvedAt: string | null;
  rollbacks: { id: string; status: string; requestedAt: string; startedAt: string | null; completedAt: string | null }[];
  /** The postmortem of the incident it led to, as it stands now. */
  postmortem: { id: string; status: string; title: string } | null;
  links: { self: string; html: string; deployment: string; rollbacks: string[]; postmortem: string | null };
}

const include = {
  deployment: { select: { slug: true } },
  rollbacks: { select: { id: true, status: true, requestedAt: true, approvedAt: true, startedAt: true, completedAt: true }, orderBy: { requestedAt: "asc" } },
  postmortems: { select: { id: true, status: true, title: true, ...POSTMORTEM_TIMESTAMP_SELECT }, orderBy: { createdAt: "asc" }, take: 1 },
} satisfies Prisma.DetectionInclude;

type Row = Prisma.DetectionGetPayload<{ include: typeof include }>;

async function versionNames(rows: Row[]): Promise<Map<number, string>> {
  const versions = await db().modelVersion.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.versionId))] } }, select: { id: true, version: true } });
  return new Map(versions.map((v) => [v.id, v.version]));
}

function toView(r: Row, names: Map<number, string>): DetectionView {
  const postmortem = r.postmortems[0] ?? null;
  const answered = r.rollbacks.at(-1);
  const timings = timingsOfRollback({ ...answered, detection: r, postmortem });
  return {
    id: r.id,
    deployment: r.deployment.slug,
    metric: r.metric,
    version: names.get(r.versionId) ?? String(r.versionId),
    regressionStartedAt: r.regressionStartedAt.toISOString(),
    detectedAt: r.detectedAt.toISOString(),
    timeToDetectMs: timings.timeToDetectMs,
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
    postmortem: postmortem ? { id: postmortem.id, status: postmortem.status, title: postmortem.title } : null,
    links: {
      self: `/api/v1/detections/${r.id}`,
      html: `/detections/${r.id}`,
      deployment: `/deployments/${r.deployment.slug}`,
      rollbacks: r.rollbacks.map((op) => `/rollbacks/${op.id}`),
      postmortem: postmortem ? `/postmortems/${postmortem.id}` : null,
    },
  };
}

/** The deployment's detections, newest first; `id` picks one. */
export async function listDetections(deploymentSlug: string, options: { id?: string; metric?: string; limit?: number } = {}): Promise<DetectionView[]> {
  const deployment = await db().deployment.findUnique({ where: { slug: deploymentSlug }, select: { id: true } });
  if (!deployment) throw notFound(`deployment ${deploymentSlug}`);
  const rows = await db().detection.findMany({
    where: { deploymentId: deployment.id, ...(options.metric ? { metric: options.metric } : {}), ...(options.id ? { id: options.id } : {}) },
    orderBy: { detectedAt: "desc" },
    take: options.limit ?? 50,
    include,
  });
  const names = await versionNames(rows);
  return rows.map((r) => toView(r, names));
}

/** One detection with what it led to: its rollbacks and the postmortem. */
export async function getDetection(id: string): Promise<DetectionView> {
  const row = await db().detection.findUnique({ where: { id }, include });
  if (!row) throw notFound(`detection ${id}`);
  return toView(row, await versionNames([row]));
}
