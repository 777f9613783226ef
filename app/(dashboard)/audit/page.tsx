import type { Metadata } from "next";
import { IntentLink } from "@/components/ui/intent-link";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import { requirePageUser } from "@/lib/auth/current-user";
import { auditChainStatus } from "@/lib/audit/check-audit-chain";
import { auditFilterSchema, listAuditEvents } from "@/lib/audit/list-audit-events";
import { ChainStatus } from "./chain-status";

export const metadata: Metadata = { title: "Audit" };

function summary(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requirePageUser("VIEWER");
  const filter = auditFilterSchema.parse(await searchParams);
  const [{ events, total, actions, pages }, chain] = await Promise.all([listAuditEvents(filter), auditChainStatus()]);
  const pageHref = (page: number) => {
    const params = new URLSearchParams();
    for (const key of ["action", "actor", "target", "from", "to"] as const) if (filter[key]) params.set(key, filter[key]);
    params.set("page", String(page));
    return `/audit?${params}`;
  };
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change, who made it and what it changed. Append-only: the database refuses edits and deletes, and a hash chain over every event shows any made with its guards turned off."
      />
      <ChainStatus status={chain} />
      <form className="card form-inline" method="get" role="search" aria-label="Filter audit events">
        <label className="field">
          Action
          <select className="input" name="action" defaultValue={filter.action ?? ""}>
            <option value="">Any</option>
            {actions.map((action) => (
              <option key={action} value={action}>
                {action}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Actor
          <input className="input" name="actor" defaultValue={filter.actor ?? ""} placeholder="email or token:name" />
        </label>
        <label className="field">
          Target
          <input className="input" name="target" defaultValue={filter.target ?? ""} placeholder="type or id" />
        </label>
        <label className="field">
          From (UTC)
          <input className="input" type="date" name="from" defaultValue={filter.from ?? ""} />
        </label>
        <label className="field">
          To (UTC)
          <input className="input" type="date" name="to" defaultValue={filter.to ?? ""} />
        </label>
        <button className="button primary" type="submit">
          Filter
        </button>
        <IntentLink className="button" href="/audit">
          Clear
        </IntentLink>
      </form>
      {events.length === 0 ? (
        <EmptyState title="No audit events match">
          <p>Sign-ins, user and token changes, promotions, rollbacks and postmortem reviews are recorded here as they happen.</p>
        </EmptyState>
      ) : (
        <>
          <TableWrap label="Audit events table">
            <table className="table" aria-label="Audit events">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Before → after</th>
                  <th scope="col">Request</th>
                </tr>
              </thead>
              <tbody>
                {events.map((event) => (
                  <tr key={event.id.toString()}>
                    <td className="small"><Time value={event.at} /></td>
                    <td>{event.actorLabel}</td>
                    <td><code>{event.action}</code></td>
                    <td className="small">{event.targetType} <code>{event.targetId}</code></td>
                    <td className="small mono break-anywhere">
                      {summary(event.before)}
                      {event.before && event.after ? " → " : ""}
                      {summary(event.after)}
                    </td>
                    <td className="small mono" title={event.requestId}>{event.requestId.slice(0, 8)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <Pagination total={total} noun="events" page={filter.page} pages={pages} hrefFor={pageHref} labels={["Newer", "Older"]} />
        </>
      )}
    </>
  );
}
