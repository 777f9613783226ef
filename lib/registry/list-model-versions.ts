import "server-only";
import type { Prisma } from "@prisma/client";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import type { ModelVersionList, VersionListQuery } from "./schemas";
import { loadDeploymentPointers, toModelVersionView, versionViewInclude } from "./version-views";

export const VERSIONS_PAGE_SIZE = 25;

const byVersionId = new Intl.Collator("en", { numeric: true });

/** A model's versions, filtered, sorted and paged; `v9` sorts before `v13`. */
export async function listModelVersions(modelSlug: string, query: VersionListQuery): Promise<ModelVersionList> {
  const model = await db().model.findUnique({ where: { slug: modelSlug } });
  if (!model) throw notFound(`model ${modelSlug}`);
  const deployments = await loadDeploymentPointers(db(), model.id);
  const ids = (pick: (d: (typeof deployments)[number]) => number | null) =>
    deployments.map(pick).filter((id): id is number => id !== null);

  const filters: Record<VersionListQuery["filter"], Prisma.ModelVersionWhereInput> = {
    all: {},
    live: { id: { in: ids((d) => d.liveVersionId) } },
    prior: { id: { in: ids((d) => d.priorVersionId) } },
    "rolled-back": { deploymentVersions: { some: { status: "ROLLED_BACK" } } },
    "never-deployed": { deploymentVersions: { none: {} } },
    purged: { purgedAt: { not: null } },
  };
  // A model holds tens of versions, not thousands: sorting in memory keeps version ids natural.
  const rows = await db().modelVersion.findMany({
    where: { modelId: model.id, ...filters[query.filter] },
    include: versionViewInclude,
    orderBy: { createdAt: "asc" },
  });
  if (query.sort === "version") rows.sort((a, b) => byVersionId.compare(a.version, b.version));
  if (query.order === "desc") rows.reverse();

  const pages = Math.max(1, Math.ceil(rows.length / VERSIONS_PAGE_SIZE));
  const page = Math.min(query.page, pages);
  const slice = rows.slice((page - 1) * VERSIONS_PAGE_SIZE, page * VERSIONS_PAGE_SIZE);
  return {
    model: model.slug,
    versions: slice.map((row) => toModelVersionView(model.slug, row, deployments)),
    total: rows.length,
    page,
    pages,
  };
}
