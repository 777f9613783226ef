import type { Metadata } from "next";
import { IntentLink } from "@/components/ui/intent-link";
import { STATUS_TONE } from "@/components/rollbacks/format";
import { TimingDefinitions } from "@/components/incidents/timing-definitions";
import { formatDuration } from "@/lib/format-duration";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import { requirePageUser } from "@/lib/auth/current-user";
import { TIMING_DEFINITIONS } from "@/lib/incidents/timings";
import { AppError } from "@/lib/errors";
import { listRollbacks, type RollbackView } from "@/lib/rollbacks/rollback-views";
import { listRollbacksQuery } from "@/lib/rollbacks/schemas";
import { statusLabel } from "@/components/registry/tones";

export const metadata: Metadata = { title: "Rollbacks" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const QUEUE_STATUSES = ["REQUESTED", "AWAITING_APPROVAL", "APPROVED", "EXECUTING", "FAILED"] as const;

function RollbackTable({ label, rows, now }: { label: string; rows: RollbackView[]; now: Date }) {
  return (
    <TableWrap label={`${label} table`}>
      <table className="table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Deployment</th>
            <th scope="col">Versions</th>
            <th scope="col">Status</th>
            <th scope="col">Mode</th>
            <th scope="col">Requested</th>
            <th scope="col" title={TIMING_DEFINITIONS.timeToDetectMs}>TTD</th>
            <th scope="col" title={TIMING_DEFINITIONS.timeToRollbackMs}>TTR</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((op) => (
            <tr key={op.id}>
              <td>
                <IntentLink href={`/deployments/${op.deployment}`}>{op.deployment}</IntentLink>
              </td>
              <td>
                <IntentLink href={`/rollbacks/${op.id}`}>
                  {op.fromVersion} → {op.toVersion}
                  {op.kind === "REHEARSAL" ? ` → ${op.fromVersion} (rehearsal)` : ""}
                </IntentLink>
              </td>
              <td>
                <Badge tone={STATUS_TONE[op.status]}>{statusLabel(op.status)}</Badge>
              </td>
              <td>{op.mode}</td>
              <td className="small">
                <Time value={op.requestedAt} now={now} /> by {op.requestedBy}
              </td>
              <td>{formatDuration(op.timeToDetectMs)}</td>
              <td title={`decide ${formatDuration(op.timeToDecideMs)} + execute ${formatDuration(op.timeToExecuteMs)}`}>{formatDuration(op.timeToRollbackMs)}</td>
              <td className="small">
                {op.failureReason ? `failed: ${op.failureReason}` : op.reason}
                {op.detectionId ? (
                  <>
                    {" "}
                    <IntentLink href={`/detections/${op.detectionId}`}>detection</IntentLink>
                  </>
                ) : null}
                {op.postmortemId ? (
                  <>
                    {" "}
                    · <IntentLink href={`/postmortems/${op.postmortemId}`}>postmortem</IntentLink>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

export default async function RollbacksPage({ searchParams }: Props) {
  await requirePageUser("VIEWER");
  const raw = Object.fromEntries(Object.entries(await searchParams).flatMap(([key, value]) => (typeof value === "string" && value !== "" ? [[key, value]] : [])));
  const parsed = listRollbacksQuery.safeParse(raw);
  const filters = parsed.success ? parsed.data : listRollbacksQuery.parse({});
  const now = new Date();
  let queue: RollbackView[] = [];
  let history: RollbackView[] = [];
  let problem = parsed.success ? null : parsed.error.issues.map((issue) => `${issue.path.join(".") || "filter"}: ${issue.message}`).join("; ");
  try {
    [queue, history] = await Promise.all([
      listRollbacks({ deployment: filters.deployment, kind: filters.kind, statuses: [...QUEUE_STATUSES], limit: 100 }),
      listRollbacks({ ...filters, statuses: filters.status ? [filters.status] : ["COMPLETED", "REJECTED", "CANCELLED"] }),
    ]);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "NOT_FOUND") throw error;
    problem = error.message;
  }
  return (
    <>
      <PageHeader title="Rollbacks" description="Requests waiting for an approver, rollbacks in flight, and every finished one with its time to detect and time to roll back." />
      <TimingDefinitions only={["timeToDetectMs", "timeToRollbackMs"]} />
      <form className="form-inline card" method="get" aria-label="Filter rollbacks">
        <label className="field">
          Deployment
          <input className="input" name="deployment" defaultValue={filters.deployment ?? ""} placeholder="support-router" />
        </label>
        <label className="field">
          Kind
          <select className="input" name="kind" defaultValue={filters.kind ?? ""}>
            <option value="">any</option>
            <option value="INCIDENT">incident</option>
            <option value="REHEARSAL">rehearsal</option>
          </select>
        </label>
        <label className="field">
          History status
          <select className="input" name="status" defaultValue={filters.status ?? ""}>
            <option value="">finished</option>
            {["COMPLETED", "REJECTED", "CANCELLED", "FAILED"].map((status) => (
              <option key={status} value={status}>
                {statusLabel(status)}
              </option>
            ))}
          </select>
        </label>
        <button className="button" type="submit">
          Filter
        </button>
        <IntentLink className="button" href="/rollbacks">
          Clear
        </IntentLink>
      </form>
      {problem ? (
        <p className="alert error" role="alert">
          {problem}
        </p>
      ) : null}
      <section className="stack" aria-labelledby="queue-title">
        <h2 id="queue-title">Approval queue and in flight</h2>
        {queue.length === 0 ? <p className="muted">Nothing is waiting for approval or running.</p> : <RollbackTable label="Rollbacks waiting or in flight" rows={queue} now={now} />}
      </section>
      <section className="stack" aria-labelledby="history-title" style={{ marginTop: "1.5rem" }}>
        <h2 id="history-title">History</h2>
        {history.length === 0 ? (
          <EmptyState title="No finished rollbacks">
            <p>Completed, rejected and cancelled rollbacks appear here with their time to detect and time to roll back.</p>
          </EmptyState>
        ) : (
          <RollbackTable label="Rollback history" rows={history} now={now} />
        )}
      </section>
    </>
  );
}
