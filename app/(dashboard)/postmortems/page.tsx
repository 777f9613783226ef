import type { Metadata } from "next";
import { IntentLink } from "@/components/ui/intent-link";
import { TimingDefinitions } from "@/components/incidents/timing-definitions";
import { StatusBadge } from "@/components/postmortems/postmortem-status-badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import { requirePageUser } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { formatDuration } from "@/lib/format-duration";
import { TIMING_DEFINITIONS } from "@/lib/incidents/timings";
import { listPostmortems } from "@/lib/postmortems/list-postmortems";
import { POSTMORTEM_STATUSES, postmortemFilter } from "@/lib/postmortems/schemas";
import { statusLabel } from "@/components/registry/tones";

export const metadata: Metadata = { title: "Postmortems" };

export default async function PostmortemsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requirePageUser("VIEWER");
  const filter = postmortemFilter.parse(await searchParams);
  const [rows, deployments] = await Promise.all([listPostmortems(filter), db().deployment.findMany({ select: { slug: true }, orderBy: { slug: "asc" } })]);
  const filtered = Boolean(filter.deployment || filter.status);
  return (
    <>
      <PageHeader
        title="Postmortems"
        description="One per completed rollback: what the bad model did, the offline check that missed it, and the gate addition that closes the gap."
        actions={<IntentLink className="button" href="/postmortems/gate-additions">Gate additions</IntentLink>}
      />
      <TimingDefinitions only={["timeToDetectMs", "timeToRollbackMs"]} />
      <form className="card form-inline" method="get" role="search" aria-label="Filter postmortems">
        <label className="field">
          Deployment
          <select className="input" name="deployment" defaultValue={filter.deployment ?? ""}>
            <option value="">Any</option>
            {deployments.map((d) => (
              <option key={d.slug}>{d.slug}</option>
            ))}
          </select>
        </label>
        <label className="field">
          Status
          <select className="input" name="status" defaultValue={filter.status ?? ""}>
            <option value="">Any</option>
            {POSTMORTEM_STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <button className="button primary" type="submit">Filter</button>
        <IntentLink className="button" href="/postmortems">Clear</IntentLink>
      </form>
      {rows.length === 0 ? (
        <EmptyState title={filtered ? "No postmortems match" : "No postmortems yet"}>
          <p>A draft opens here for every completed rollback: what the bad model did, the missed offline check, and the gate addition.</p>
        </EmptyState>
      ) : (
        <TableWrap label="Postmortems table">
          <table className="table" aria-label="Postmortems">
            <thead>
              <tr>
                <th scope="col">Incident</th>
                <th scope="col">Status</th>
                <th scope="col">Deployment</th>
                <th scope="col">Versions</th>
                <th scope="col" title={TIMING_DEFINITIONS.timeToDetectMs}>TTD</th>
                <th scope="col" title={TIMING_DEFINITIONS.timeToRollbackMs}>TTR</th>
                <th scope="col">Gate addition</th>
                <th scope="col">Rolled back</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((pm) => (
                <tr key={pm.id} data-testid={`postmortem-row-${pm.id}`}>
                  <td>
                    <IntentLink href={pm.links.html}>{pm.title}</IntentLink> <span className="small muted">{pm.severity}</span>
                  </td>
                  <td><StatusBadge status={pm.status} /></td>
                  <td><IntentLink href={pm.links.deployment}>{pm.deployment}</IntentLink></td>
                  <td className="mono">{pm.badVersion} → {pm.priorVersion}</td>
                  <td className="mono">{formatDuration(pm.durations.timeToDetectMs)}</td>
                  <td className="mono">{formatDuration(pm.durations.timeToRollbackMs)}</td>
                  <td>{pm.gateAdditionStatus ? <StatusBadge status={pm.gateAdditionStatus} /> : <span className="muted">none yet</span>}</td>
                  <td className="small"><Time value={pm.completedAt} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
}
