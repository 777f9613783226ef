import "server-only";
import type { Prisma } from "@prisma/client";
import { db } from "@/lib/db";
import { incidentTimings } from "@/lib/incidents/timings";
import { postmortemLinks, timestampsOf } from "./get-postmortem";
import type { GateAdditionFilter, PostmortemFilter } from "./schemas";

async function versionNames(ids: number[]): Promise<Map<number, string>> {
  const rows = await db().modelVersion.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, version: true } });
  return new Map(rows.map((r) => [r.id, r.version]));
}

/** Newest incident first, with the computed durations and links each row needs. */
export async function listPostmortems(filter: PostmortemFilter) {
  const where: Prisma.PostmortemWhereInput = {
    ...(filter.deployment ? { deployment: { slug: filter.deployment } } : {}),
    ...(filter.status ? { status: filter.status } : {}),
  };
  const rows = await db().postmortem.findMany({
    where,
    orderBy: [{ completedAt: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }],
    take: 500,
    include: { deployment: { select: { slug: true, model: { select: { slug: true } } } }, gateAddition: { select: { status: true } } },
  });
  const names = await versionNames(rows.flatMap((r) => [r.badVersionId, r.priorVersionId]));
  return rows.map((pm) => {
    const badVersion = names.get(pm.badVersionId) ?? String(pm.badVersionId);
    return {
      id: pm.id,
      title: pm.title,
      status: pm.status,
      severity: pm.severity,
      deployment: pm.deployment.slug,
      badVersion,
      priorVersion: names.get(pm.priorVersionId) ?? String(pm.priorVersionId),
      gateAdditionStatus: pm.gateAddition?.status ?? null,
      completedAt: pm.completedAt,
      createdAt: pm.createdAt,
      durations: incidentTimings(timestampsOf(pm)),
      links: postmortemLinks({ id: pm.id, rollbackId: pm.rollbackId, detectionId: pm.detectionId, deploymentSlug: pm.deployment.slug, modelSlug: pm.deployment.model.slug, badVersion }),
    };
  });
}

export type PostmortemListRow = Awaited<ReturnType<typeof listPostmortems>>[number];

/** Every gate addition with the incident behind it: what the promotion pipeline must now check. */
export async function listGateAdditions(filter: GateAdditionFilter) {
  const rows = await db().gateAddition.findMany({
    where: {
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.deployment ? { postmortem: { deployment: { slug: filter.deployment } } } : {}),
    },
    orderBy: { createdAt: "desc" },
    take: 1000,
    include: {
      postmortem: {
        select: {
          id: true,
          title: true,
          status: true,
          rollbackId: true,
          detectionId: true,
          badVersionId: true,
          priorVersionId: true,
          completedAt: true,
          missedCheckSuite: true,
          missedCheckReason: true,
          deployment: { select: { slug: true, model: { select: { slug: true } } } },
        },
      },
    },
  });
  const names = await versionNames(rows.flatMap((r) => [r.postmortem.badVersionId, r.postmortem.priorVersionId]));
  return rows.map((gate) => {
    const pm = gate.postmortem;
    const badVersion = names.get(pm.badVersionId) ?? String(pm.badVersionId);
    const links = postmortemLinks({ id: pm.id, rollbackId: pm.rollbackId, detectionId: pm.detectionId, deploymentSlug: pm.deployment.slug, modelSlug: pm.deployment.model.slug, badVersion });
    return {
      id: gate.id,
      description: gate.description,
      suite: gate.suite,
      status: gate.status,
      implementedAt: gate.implementedAt,
      enforcedAt: gate.enforcedAt,
      createdAt: gate.createdAt,
      incident: {
        postmortemId: pm.id,
        title: pm.title,
        postmortemStatus: pm.status,
        deployment: pm.deployment.slug,
        model: pm.deployment.model.slug,
        badVersion,
        priorVersion: names.get(pm.priorVersionId) ?? String(pm.priorVersionId),
        rolledBackAt: pm.completedAt,
        missedCheck: { suite: pm.missedCheckSuite, reason: pm.missedCheckReason },
      },
      links: { postmortem: links.self, postmortemHtml: links.html, rollback: links.rollback, badVersion: links.badVersion },
    };
  });
}

export type GateAdditionRow = Awaited<ReturnType<typeof listGateAdditions>>[number];

/** The production failures recorded against one version, with the postmortems that explain them. */
export async function listVersionFailures(modelSlug: string, version: string) {
  const versionRow = await db().modelVersion.findFirst({ where: { version, model: { slug: modelSlug } }, select: { id: true } });
  if (!versionRow) return [];
  const [failures, postmortems] = await Promise.all([
    db().deploymentVersion.findMany({
      where: { versionId: versionRow.id, OR: [{ productionFailure: { not: null } }, { status: "ROLLED_BACK" }] },
      select: { productionFailure: true, rolledBackAt: true, deployment: { select: { id: true, slug: true } } },
    }),
    db().postmortem.findMany({
      where: { badVersionId: versionRow.id },
      orderBy: { createdAt: "desc" },
      select: { id: true, title: true, status: true, deploymentId: true, completedAt: true, gateAddition: { select: { description: true, status: true } } },
    }),
  ]);
  // A failure is known from the registry's record or from a postmortem; either shows it.
  const deploymentIds = new Set([...failures.map((f) => f.deployment.id), ...postmortems.map((p) => p.deploymentId)]);
  const slugs = await db().deployment.findMany({ where: { id: { in: [...deploymentIds] } }, select: { id: true, slug: true } });
  return slugs.map((d) => {
    const failure = failures.find((f) => f.deployment.id === d.id);
    const own = postmortems.filter((p) => p.deploymentId === d.id);
    return {
      deployment: d.slug,
      productionFailure: failure?.productionFailure ?? null,
      rolledBackAt: failure?.rolledBackAt ?? own[0]?.completedAt ?? null,
      postmortems: own,
    };
  });
}
