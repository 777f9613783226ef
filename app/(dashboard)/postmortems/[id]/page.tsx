import type { Metadata } from "next";
import { IntentLink } from "@/components/ui/intent-link";
import { TimingDefinitions } from "@/components/incidents/timing-definitions";
import { StatusBadge } from "@/components/postmortems/postmortem-status-badge";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import { requirePageUser } from "@/lib/auth/current-user";
import { hasRole } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { formatDuration } from "@/lib/format-duration";
import { TIMING_DEFINITIONS } from "@/lib/incidents/timings";
import { TIMELINE_ORDER, TIMESTAMP_LABELS } from "@/lib/postmortems/durations";
import { getPostmortem } from "@/lib/postmortems/get-postmortem";
import { defaultDueDate } from "@/lib/postmortems/workflow";
import { ActionItemControls, AddActionItemForm, GateAdditionControls, MissingFields, ReviewActions, ReviewForm, TimestampCorrectionForm } from "./postmortem-forms";
import { statusLabel } from "@/components/registry/tones";

export const metadata: Metadata = { title: "Postmortem" };

const DURATIONS = [
  ["timeToDetectMs", "Time to detect (TTD)"],
  ["timeToDecideMs", "Time to decide"],
  ["timeToExecuteMs", "Time to execute"],
  ["timeToRollbackMs", "Time to roll back (TTR)"],
  ["exposureWindowMs", "Exposure window"],
] as const;

export default async function PostmortemPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser("VIEWER");
  const { id } = await params;
  const pm = await getPostmortem(id);
  const users = await db().user.findMany({ where: { disabledAt: null }, select: { id: true, name: true }, orderBy: { name: "asc" } });
  const canEdit = hasRole(user.role, "OPERATOR");
  const canReview = hasRole(user.role, "APPROVER");
  const editable = canEdit && (pm.status === "DRAFT" || pm.status === "IN_REVIEW");
  const gate = pm.gateAddition;
  return (
    <>
      <PageHeader
        title={pm.title}
        description={
          <>
            <StatusBadge status={pm.status} /> {pm.severity} · <IntentLink href={pm.links.deployment}>{pm.deployment}</IntentLink> ·{" "}
            <IntentLink href={pm.links.badVersion}>{pm.badVersion}</IntentLink> rolled back to {pm.priorVersion} ·{" "}
            <IntentLink href={pm.links.rollbackHtml}>the rollback</IntentLink>
            {pm.links.detectionHtml ? (
              <>
                {" "}
                · <IntentLink href={pm.links.detectionHtml}>the detection</IntentLink>
              </>
            ) : null}
          </>
        }
        actions={
          <>
            <IntentLink className="button" href={pm.links.print}>Printable view</IntentLink>
            <a className="button" href={pm.links.markdown} download>
              Export Markdown
            </a>
          </>
        }
      />

      {pm.warnings.length > 0 ? (
        <div className="alert warn" role="alert" data-testid="timeline-warnings">
          <strong>The timeline is out of order.</strong>
          <ul>
            {pm.warnings.map((w) => (
              <li key={w.message}>{w.message}</li>
            ))}
          </ul>
        </div>
      ) : null}

      <section className="card stack" aria-labelledby="review">
        <h2 id="review">Review</h2>
        {pm.status === "DRAFT" && pm.missingFields.length > 0 ? <MissingFields fields={pm.missingFields} /> : null}
        {pm.status === "APPROVED" && pm.closureBlockers.length > 0 ? (
          <div className="small">
            Approved by {pm.reviewApprovedBy} <Time value={pm.reviewApprovedAt} />. Closes when:
            <ul>
              {pm.closureBlockers.map((b) => (
                <li key={b}>{b}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {pm.status === "CLOSED" ? <p className="small">Closed: the gate addition is enforced and every action item is settled.</p> : null}
        <ReviewActions id={pm.id} status={pm.status} canEdit={canEdit} canReview={canReview} revision={`${pm.updatedAt.toISOString()} ${pm.status} ${pm.missingFields.join()}`} />
        <p className="small muted">Authors: {pm.authors.length === 0 ? "none yet" : pm.authors.map((a) => a.name).join(", ")}</p>
        {pm.reviews.length > 0 ? (
          <ul className="small" aria-label="Review history">
            {pm.reviews.map((r) => (
              <li key={r.id}>
                <Time value={r.at} /> {r.actor}: {r.decision === "APPROVE" ? "approved" : "requested changes"}
                {r.comment ? ` — “${r.comment}”` : ""}
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      <section className="card stack" aria-labelledby="durations">
        <h2 id="durations">Durations</h2>
        <p className="small muted">Computed from the timestamps below; correct a timestamp to correct these.</p>
        <ul className="stack small" style={{ margin: 0, paddingLeft: "1.1rem" }} data-testid="incident-slo">
          {pm.sloLines.map((line) => (
            <li key={line.text}>
              <Badge tone={line.met === null ? "neutral" : line.met ? "ok" : "bad"}>{line.met === null ? "no verdict" : line.met ? "met" : "missed"}</Badge> {line.text}
            </li>
          ))}
        </ul>
        <dl className="grid-2">
          {DURATIONS.map(([key, label]) => (
            <div key={key} data-testid={`duration-${key}`}>
              <dt title={TIMING_DEFINITIONS[key]}>{label}</dt>
              <dd className="mono">{formatDuration(pm.durations[key])}</dd>
            </div>
          ))}
        </dl>
        <TimingDefinitions />
      </section>

      <section className="card stack" aria-labelledby="timeline">
        <h2 id="timeline">Timeline</h2>
        {pm.timeline.length === 0 ? (
          <p className="muted">Nothing recorded yet.</p>
        ) : (
          <ol className="stack">
            {pm.timeline.map((entry, index) => (
              <li key={`${entry.at.toISOString()}-${index}`}>
                <Time value={entry.at} /> <Badge tone={entry.source === "timestamp" ? "info" : "neutral"}>{entry.source}</Badge> {entry.description}
                {entry.correction ? (
                  <span className="small"> — corrected by {entry.correction.by}: {entry.correction.reason}</span>
                ) : null}
              </li>
            ))}
          </ol>
        )}
      </section>

      <section className="card stack" aria-labelledby="timestamps">
        <h2 id="timestamps">Timestamps</h2>
        <TableWrap label="Timestamps table">
          <table className="table" aria-label="Timestamps">
            <tbody>
              {TIMELINE_ORDER.map((field) => (
                <tr key={field}>
                  <th scope="row">{TIMESTAMP_LABELS[field]}</th>
                  <td><Time value={pm.timestamps[field]} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        {editable ? <TimestampCorrectionForm id={pm.id} /> : null}
        {pm.corrections.length > 0 ? (
          <ul className="small" aria-label="Timestamp corrections">
            {pm.corrections.map((c) => (
              <li key={c.id}>
                <Time value={c.at} /> {c.actor} set {TIMESTAMP_LABELS[c.field as keyof typeof TIMESTAMP_LABELS] ?? c.field} from {c.previous ? c.previous.toISOString() : "unset"} to {c.value.toISOString()}: {c.reason}
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      <section className="card stack" aria-labelledby="fields">
        <h2 id="fields">What happened and what the gate missed</h2>
        <ReviewForm
          id={pm.id}
          editable={editable}
          gateLocked={Boolean(gate && gate.status !== "PROPOSED")}
          fields={{ ...pm.fields, title: pm.title, severity: pm.severity, gateAdditionDescription: gate?.description ?? "", gateAdditionSuite: gate?.suite ?? "" }}
        />
      </section>

      <section className="card stack" aria-labelledby="gate-addition">
        <h2 id="gate-addition">Gate addition</h2>
        {gate ? (
          <>
            <p>
              <StatusBadge status={gate.status} /> {gate.description} {gate.suite ? <span className="small muted">({gate.suite})</span> : null}
            </p>
            <GateAdditionControls id={pm.id} status={gate.status} canAdvance={gate.status === "IMPLEMENTED" ? canReview : canEdit} />
          </>
        ) : (
          <p className="muted">None yet: describe it in the form above — the one permanent addition to the gate this incident earns.</p>
        )}
      </section>

      <section className="card stack" aria-labelledby="action-items">
        <h2 id="action-items">Action items</h2>
        {pm.actionItems.length === 0 ? (
          <EmptyState title="No action items" />
        ) : (
          <TableWrap label="Action items table">
            <table className="table" aria-label="Action items">
              <thead>
                <tr>
                  <th scope="col">Action</th>
                  <th scope="col">Type</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Due</th>
                  <th scope="col">Status</th>
                  {canEdit ? <th scope="col">Change</th> : null}
                </tr>
              </thead>
              <tbody>
                {pm.actionItems.map((item) => (
                  <tr key={item.id}>
                    <td>{item.title}</td>
                    <td>{item.type}</td>
                    <td>{item.owner.name}</td>
                    <td className="small"><Time value={item.dueDate} /></td>
                    <td>
                      <Badge tone={item.status === "DONE" ? "ok" : item.status === "WONT_DO" ? "neutral" : item.dueDate < new Date() ? "bad" : "info"}>{statusLabel(item.status)}</Badge>
                      {item.wontDoReason ? <span className="small"> {item.wontDoReason}</span> : null}
                    </td>
                    {canEdit ? (
                      <td>
                        <ActionItemControls id={pm.id} actionItemId={item.id} title={item.title} status={item.status} />
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        {canEdit ? <AddActionItemForm id={pm.id} users={users} defaultDue={defaultDueDate(pm.severity, new Date()).toISOString().slice(0, 10)} /> : null}
      </section>
    </>
  );
}
