import type { Metadata } from "next";
import { IntentLink } from "@/components/ui/intent-link";
import { loadOrNotFound } from "@/components/registry/load-or-not-found";
import { SortHeader } from "@/components/registry/sort-header";
import { VERSION_STATUS_TONE, statusLabel } from "@/components/registry/tones";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import { requirePageUser } from "@/lib/auth/current-user";
import { listModelVersions } from "@/lib/registry/list-model-versions";
import { parseSearchParamsLeniently, versionListQuery, type VersionListQuery } from "@/lib/registry/schemas";
import { RetentionCell } from "./retention-cell";

type Props = { params: Promise<{ model: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await params).model };
}

const FILTER_LABELS: Record<VersionListQuery["filter"], string> = {
  all: "All versions",
  live: "Live somewhere",
  prior: "Rollback targets",
  "rolled-back": "Rolled back somewhere",
  "never-deployed": "Never deployed",
  purged: "Purged",
};

export default async function ModelVersionsPage({ params, searchParams }: Props) {
  await requirePageUser("VIEWER");
  const { model } = await params;
  const query = parseSearchParamsLeniently(versionListQuery, await searchParams);
  const { versions, total, page, pages } = await loadOrNotFound(listModelVersions(model, query));
  const now = new Date();
  const hrefFor = (change: Partial<VersionListQuery>) => {
    const next = { ...query, ...change };
    const search = new URLSearchParams();
    if (next.filter !== "all") search.set("filter", next.filter);
    if (next.sort !== "registered") search.set("sort", next.sort);
    if (next.order !== "desc") search.set("order", next.order);
    if (next.page > 1) search.set("page", String(next.page));
    return search.size > 0 ? `/models/${model}?${search}` : `/models/${model}`;
  };
  const sortHref = (sort: string, order: "asc" | "desc") => hrefFor({ sort: sort as VersionListQuery["sort"], order, page: 1 });

  return (
    <>
      <PageHeader title={model} description="Pinned versions, their offline scores, where each one stands on every deployment, and how long it is kept." />
      <form className="card form-inline" method="get" aria-label="Filter versions">
        <label className="field">
          Show
          <select className="input" name="filter" defaultValue={query.filter}>
            {Object.entries(FILTER_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="order" value={query.order} />
        <button className="button primary" type="submit">
          Filter
        </button>
      </form>
      {versions.length === 0 ? (
        <EmptyState title="No versions match">
          <p>
            <IntentLink href={`/models/${model}`}>Show every version</IntentLink>
          </p>
        </EmptyState>
      ) : (
        <>
          <TableWrap label="Versions table">
            <table className="table" aria-label={`Versions of ${model}`}>
              <thead>
                <tr>
                  <SortHeader label="Version" column="version" sort={query.sort} order={query.order} href={sortHref} />
                  <SortHeader label="Registered" column="registered" sort={query.sort} order={query.order} href={sortHref} />
                  <th scope="col">Offline scores</th>
                  <th scope="col">Status per deployment</th>
                  <th scope="col">Production failure</th>
                  <th scope="col">Retention</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => {
                  const failures = v.deployments.filter((d) => d.productionFailure);
                  return (
                    <tr key={v.version} data-testid={`version-row-${v.version}`}>
                      <td>
                        <IntentLink href={`/models/${model}/versions/${v.version}`}>{v.version}</IntentLink>
                      </td>
                      <td className="small">
                        <Time value={v.registeredAt} now={now} />
                        <div className="muted">by {v.registeredBy}</div>
                      </td>
                      <td className="small mono">
                        {Object.keys(v.offlineScores).length === 0 ? (
                          <span className="muted">none</span>
                        ) : (
                          Object.entries(v.offlineScores).map(([name, score]) => <div key={name}>{name}: {score}</div>)
                        )}
                      </td>
                      <td>
                        {v.deployments.length === 0 ? (
                          <span className="muted small">never deployed</span>
                        ) : (
                          v.deployments.map((d) => (
                            <div key={d.deployment}>
                              <IntentLink href={`/deployments/${d.deployment}`}>{d.deployment}</IntentLink>{" "}
                              <Badge tone={VERSION_STATUS_TONE[d.status]}>{statusLabel(d.status)}</Badge>
                            </div>
                          ))
                        )}
                      </td>
                      <td className="small">
                        {failures.length === 0 ? <span className="muted">none recorded</span> : failures.map((d) => <div key={d.deployment}>{d.deployment}: {d.productionFailure}</div>)}
                      </td>
                      <td>
                        <RetentionCell retention={v.retention} now={now} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableWrap>
          <Pagination total={total} noun="versions" page={page} pages={pages} hrefFor={(p) => hrefFor({ page: p })} />
        </>
      )}
    </>
  );
}
