import type { Metadata } from "next";
import { IntentLink } from "@/components/ui/intent-link";
import { StatusBadge } from "@/components/postmortems/postmortem-status-badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import { requirePageUser } from "@/lib/auth/current-user";
import { listGateAdditions } from "@/lib/postmortems/list-postmortems";
import { GATE_ADDITION_STATUSES, gateAdditionFilter } from "@/lib/postmortems/schemas";

export const metadata: Metadata = { title: "Gate additions" };

export default async function GateAdditionsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requirePageUser("VIEWER");
  const filter = gateAdditionFilter.parse(await searchParams);
  const rows = await listGateAdditions(filter);
  return (
    <>
      <PageHeader
        title="Gate additions"
        description={
          <>
            Each production regression, turned into one permanent check in the promotion gate. The pipeline reads the same list from <code>GET /api/v1/gate-additions</code>.
          </>
        }
      />
      <nav className="row" aria-label="Filter by status">
        <IntentLink className="button" href="/postmortems/gate-additions" aria-current={filter.status ? undefined : "page"}>All</IntentLink>
        {GATE_ADDITION_STATUSES.map((s) => (
          <IntentLink key={s} className="button" href={`/postmortems/gate-additions?status=${s}`} aria-current={filter.status === s ? "page" : undefined}>
            {s}
          </IntentLink>
        ))}
      </nav>
      {rows.length === 0 ? (
        <EmptyState title="No gate additions">
          <p>A postmortem proposes one when it names the offline check that missed its regression.</p>
        </EmptyState>
      ) : (
        <TableWrap label="Gate additions table">
          <table className="table" aria-label="Gate additions">
            <thead>
              <tr>
                <th scope="col">Gate addition</th>
                <th scope="col">Suite</th>
                <th scope="col">Status</th>
                <th scope="col">Incident behind it</th>
                <th scope="col">Missed check</th>
                <th scope="col">Enforced</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((g) => (
                <tr key={g.id}>
                  <td>{g.description}</td>
                  <td>{g.suite || <span className="muted">—</span>}</td>
                  <td><StatusBadge status={g.status} /></td>
                  <td>
                    <IntentLink href={g.links.postmortemHtml}>{g.incident.title}</IntentLink>
                    <div className="small muted">
                      {g.incident.deployment}: {g.incident.badVersion} → {g.incident.priorVersion}
                    </div>
                  </td>
                  <td className="small">
                    {g.incident.missedCheck.suite || "—"} {g.incident.missedCheck.reason ? `(${g.incident.missedCheck.reason})` : ""}
                  </td>
                  <td className="small"><Time value={g.enforcedAt} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
}
