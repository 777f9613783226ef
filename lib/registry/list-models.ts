import "server-only";
import { db } from "@/lib/db";
import type { ModelView } from "./schemas";

/** Every model, with how many versions it has and where it is deployed. */
export async function listModels(): Promise<ModelView[]> {
  const models = await db().model.findMany({
    orderBy: { slug: "asc" },
    include: {
      _count: { select: { versions: true } },
      versions: { orderBy: { createdAt: "desc" }, take: 1, select: { version: true, createdAt: true } },
      deployments: { orderBy: { slug: "asc" }, select: { slug: true, liveVersionId: true } },
    },
  });
  const liveIds = models.flatMap((m) => m.deployments.map((d) => d.liveVersionId)).filter((id): id is number => id !== null);
  const live = await db().modelVersion.findMany({ where: { id: { in: liveIds } }, select: { id: true, version: true } });
  const versionById = new Map(live.map((v) => [v.id, v.version]));
  return models.map((m) => ({
    slug: m.slug,
    name: m.name,
    description: m.description,
    createdAt: m.createdAt.toISOString(),
    versionCount: m._count.versions,
    latestVersion: m.versions[0] ? { version: m.versions[0].version, registeredAt: m.versions[0].createdAt.toISOString() } : null,
    deployments: m.deployments.map((d) => ({
      slug: d.slug,
      liveVersion: d.liveVersionId === null ? null : (versionById.get(d.liveVersionId) ?? null),
    })),
  }));
}
