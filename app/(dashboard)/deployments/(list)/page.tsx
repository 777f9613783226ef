import type { Metadata } from "next";
import { IntentLink } from "@/components/ui/intent-link";
import { statusLabel } from "@/components/registry/tones";
import { HealthBadge } from "@/components/deployments/deployment-health";
import { SortHeader } from "@/components/registry/sort-header";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import { requirePageUser } from "@/lib/auth/current-user";
import { listDeployments } from "@/lib/deployments/list-deployments";
import { deploymentListQuery, type DeploymentListQuery } from "@/lib/deployments/schemas";
import { listModels } from "@/lib/registry/list-models";
import { parseSearchParamsLeniently } from "@/lib/registry/schemas";

export const metadata: Metadata = { title: "Deployments" };

function hrefFor(query: DeploymentListQuery, change: Partial<DeploymentListQuery>) {
  const next = { ...query, ...change };
  const params = new URLSearchParams();
  if (next.q) params.set("q", next.q);
  if (next.state) params.set("state", next.state);
  if (next.model) params.set("model", next.model);
  if (next.sort !== "slug") params.set("sort", next.sort);
  if (next.order !== "asc") params.set("order", next.order);
  if (next.page > 1) params.set("page", String(next.page));
  const search = params.toString();
  return search ? `/deployments?${search}` : "/deployments";
}

export default async function DeploymentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageUser("VIEWER");
  const query = parseSearchParamsLeniently(deploymentListQuery, await searchParams);
  const [{ deployments, total, page, pages }, models] = await Promise.all([listDeployments(query), listModels()]);
  const now = new Date();
  const filtered = Boolean(query.q || query.state || query.model);
  const sortHref = (sort: string, order: "asc" | "desc") => hrefFor(query, { sort: sort as DeploymentListQuery["sort"], order, page: 1 });

  return (
    <>
      <PageHeader
        title="Deployments"
        description="Each serving endpoint, the pinned version it serves and the prior pinned version a rollback would restore."
      />
      <form className="card form-inline" method="get" role="search" aria-label="Filter deployments">
        <label className="field">
          Search
          <input className="input" name="q" defaultValue={query.q ?? ""} placeholder="deployment or model" />
        </label>
        <label className="field">
          State
          <select className="input" name="state" defaultValue={query.state ?? ""}>
            <option value="">Any</option>
            <option value="STABLE">Stable</option>
            <option value="ROLLING_BACK">Rolling back</option>
            <option value="FROZEN">Frozen</option>
          </select>
        </label>
        <label className="field">
          Model
          <select className="input" name="model" defaultValue={query.model ?? ""}>
            <option value="">Any</option>
            {models.map((model) => (
              <option key={model.slug} value={model.slug}>
                {model.slug}
              </option>
            ))}
          </select>
        </label>
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="order" value={query.order} />
        <button className="button primary" type="submit">
          Filter
        </button>
        <IntentLink className="button" href="/deployments">
          Clear
        </IntentLink>
      </form>
      {deployments.length === 0 ? (
        <EmptyState title={filtered ? "No deployments match" : "No deployments yet"}>
          {filtered ? (
            <p>
              Nothing matches these filters. <IntentLink href="/deployments">Show every deployment</IntentLink>.
            </p>
          ) : (
            <p>
              A deployment appears here when an admin creates one with <code>POST /api/v1/deployments</code>; the forward pipeline
              then records promotions with <code>POST /api/v1/deployments/&#123;deployment&#125;/promotions</code>.
            </p>
          )}
        </EmptyState>
      ) : (
        <>
          <TableWrap label="Deployments table">
            <table className="table" aria-label="Deployments">
              <thead>
                <tr>
                  <SortHeader label="Deployment" column="slug" sort={query.sort} order={query.order} href={sortHref} />
                  <th scope="col">Model</th>
                  <th scope="col">Live</th>
                  <th scope="col">Prior (rollback target)</th>
                  <SortHeader label="Last promotion" column="lastPromotion" sort={query.sort} order={query.order} href={sortHref} />
                  <SortHeader label="Last rollback" column="lastRollback" sort={query.sort} order={query.order} href={sortHref} />
                  <SortHeader label="State" column="state" sort={query.sort} order={query.order} href={sortHref} />
                </tr>
              </thead>
              <tbody>
                {deployments.map((d) => (
                  <tr key={d.slug} data-testid={`deployment-row-${d.slug}`}>
                    <td>
                      <IntentLink href={`/deployments/${d.slug}`}>{d.slug}</IntentLink>
                      <div className="muted small">{d.environment}</div>
                    </td>
                    <td>
                      <IntentLink href={`/models/${d.model}`}>{d.model}</IntentLink>
                    </td>
                    <td>{d.liveVersion ? <IntentLink href={`/models/${d.model}/versions/${d.liveVersion}`}>{d.liveVersion}</IntentLink> : <span className="muted">none</span>}</td>
                    <td>{d.priorVersion ? <IntentLink href={`/models/${d.model}/versions/${d.priorVersion}`}>{d.priorVersion}</IntentLink> : <span className="muted">none</span>}</td>
                    <td className="small">
                      {d.lastPromotion ? (
                        <>
                          <code>{d.lastPromotion.replacedVersion ?? "∅"} → {d.lastPromotion.version}</code>
                          <div>
                            <Time value={d.lastPromotion.at} now={now} />
                          </div>
                        </>
                      ) : (
                        <span className="muted">never</span>
                      )}
                    </td>
                    <td className="small">
                      {d.lastRollback ? (
                        <>
                          <code>{d.lastRollback.fromVersion} → {d.lastRollback.toVersion}</code> <Badge>{statusLabel(d.lastRollback.status)}</Badge>
                          <div>
                            <Time value={d.lastRollback.requestedAt} now={now} />
                          </div>
                        </>
                      ) : (
                        <span className="muted">never</span>
                      )}
                    </td>
                    <td>
                      <HealthBadge health={d.health} now={now} />
                      <div className="muted small">{d.health.reason}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <Pagination total={total} noun="deployments" page={page} pages={pages} hrefFor={(p) => hrefFor(query, { page: p })} />
        </>
      )}
    </>
  );
}
