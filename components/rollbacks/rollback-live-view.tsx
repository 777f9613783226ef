"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { IntentLink } from "@/components/ui/intent-link";
import { useState, useTransition } from "react";
import { TimingDefinitions } from "@/components/incidents/timing-definitions";
import { Badge } from "@/components/ui/badge";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import { TIMING_DEFINITIONS } from "@/lib/incidents/timings";
import type { EligibleApprovers } from "@/lib/rollbacks/approvers";
import type { RollbackView } from "@/lib/rollbacks/rollback-views";
import { formatDuration } from "@/lib/format-duration";
import { ApproveButton } from "./approve-dialog";
import { RampProgress } from "./ramp-progress-panel";
import { STATUS_TONE, STEP_TONE, stepLabel } from "./format";
import { callApi, rollbackKeys, rollbackQueryOptions } from "./rollback-queries";
import { statusLabel } from "@/components/registry/tones";
import { StatusBadge } from "@/components/postmortems/postmortem-status-badge";

type Decision = "approve" | "reject" | "cancel" | "retry";

/** What the signed-in user may do to this operation; decided on the server, enforced there again. */
export type AllowedDecisions = Partial<Record<Decision, boolean>>;

function DecisionButtons({ view, allowed }: { view: RollbackView; allowed: AllowedDecisions }) {
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const send = async (decision: Decision, body?: unknown): Promise<boolean> => {
    let ok = false;
    try {
      await callApi(`/api/v1/rollbacks/${encodeURIComponent(view.id)}/${decision}`, { method: "POST", body });
      setError(null);
      ok = true;
    } catch (thrown) {
      setError(thrown instanceof Error ? thrown.message : String(thrown));
    }
    await client.invalidateQueries({ queryKey: rollbackKeys.detail(view.id) });
    return ok;
  };
  const decide = (decision: Decision) => startTransition(async () => void (await send(decision)));
  const offered: { decision: Decision; label: string; tone: string; when: boolean }[] = [
    { decision: "reject", label: "Reject", tone: "", when: view.status === "AWAITING_APPROVAL" },
    { decision: "retry", label: "Retry", tone: "primary", when: view.status === "FAILED" },
    { decision: "cancel", label: "Cancel", tone: "", when: ["REQUESTED", "AWAITING_APPROVAL", "APPROVED", "FAILED"].includes(view.status) },
  ];
  const shown = offered.filter((o) => o.when && allowed[o.decision]);
  const approvable = view.status === "AWAITING_APPROVAL" && allowed.approve === true;
  if (shown.length === 0 && !approvable && !error) return null;
  return (
    <div className="row">
      {approvable ? <ApproveButton view={view} approve={(body) => send("approve", body)} disabled={pending} /> : null}
      {shown.map((o) => (
        <button key={o.decision} className={`button ${o.tone}`} type="button" disabled={pending} onClick={() => decide(o.decision)}>
          {o.label}
        </button>
      ))}
      {error ? (
        <span className="badge bad" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** Who may approve, in names; and, when the policy says so, that the requester may not. */
function WhoCanApprove({ approvers }: { approvers: EligibleApprovers }) {
  return (
    <p className="small" style={{ margin: 0 }} data-testid="who-can-approve">
      Awaiting approval by{" "}
      {approvers.approvers.length === 0 ? (
        <strong>nobody: no enabled APPROVER can approve it; an ADMIN must grant the role</strong>
      ) : (
        <>
          an APPROVER: {approvers.approvers.map((a) => a.name).join(", ")}
        </>
      )}
      .{approvers.excludedRequester ? ` The requester (${approvers.excludedRequester}) cannot approve it: this deployment requires a distinct approver.` : ""}
    </p>
  );
}

/** A rollback as it runs: each step with its time and result, refreshed every second until final. */
export function RollbackLiveView({ initial, allowed, approvers }: { initial: RollbackView; allowed: AllowedDecisions; approvers: EligibleApprovers | null }) {
  const { data } = useQuery(rollbackQueryOptions(initial.id, initial));
  const view = data ?? initial;
  return (
    <div className="stack">
      <section className="card stack" aria-labelledby="rollback-summary">
        <h2 id="rollback-summary" className="row">
          {view.kind === "REHEARSAL" ? "Rehearsal" : "Rollback"} of <IntentLink href={`/deployments/${view.deployment}`}>{view.deployment}</IntentLink>: {view.fromVersion} →{" "}
          {view.toVersion} <Badge tone={STATUS_TONE[view.status]}>{statusLabel(view.status)}</Badge>
          {!view.terminal && view.status === "EXECUTING" ? <span className="small muted">updating live</span> : null}
        </h2>
        <p style={{ margin: 0 }} data-testid="rollback-reason">
          {view.reason}
          {view.detectionId ? (
            <>
              {" "}
              (<IntentLink href={`/detections/${view.detectionId}`}>the detection</IntentLink>)
            </>
          ) : null}
        </p>
        {view.status === "FAILED" ? (
          <div className="alert error" role="alert">
            <p style={{ margin: 0 }}>
              <strong>Failed at {view.failureReason}</strong>
            </p>
            <p style={{ margin: "0.4rem 0 0" }}>
              The database still shows {view.fromVersion} live. The serving plane may be half-moved: retry runs every step again and skips what serving already
              shows; cancel accepts the serving plane as it is.
            </p>
          </div>
        ) : null}
        {view.status === "AWAITING_APPROVAL" && approvers ? <WhoCanApprove approvers={approvers} /> : null}
        {view.status === "EXECUTING" ? <RampProgress view={view} /> : null}
        {view.warnings.map((warning) => (
          <p key={warning} className="alert warn" role="status">
            {warning}
          </p>
        ))}
        <dl className="kv" aria-label="Times">
          <dt title={TIMING_DEFINITIONS.timeToDetectMs}>Time to detect (TTD)</dt>
          <dd data-testid="time-to-detect">{view.timeToDetectMs !== null || view.detectionId ? formatDuration(view.timeToDetectMs) : "— (requested by hand, no detection)"}</dd>
          <dt title={TIMING_DEFINITIONS.timeToRollbackMs}>Time to roll back (TTR)</dt>
          <dd data-testid="time-to-rollback">{formatDuration(view.timeToRollbackMs)}</dd>
          <dt>Time to decide</dt>
          <dd data-testid="time-to-decide">{formatDuration(view.timeToDecideMs)}</dd>
          <dt>Time to execute</dt>
          <dd data-testid="time-to-execute">{formatDuration(view.timeToExecuteMs)}</dd>
          <dt>Mode</dt>
          <dd>{view.mode === "ramp" ? `ramp ${view.rampStages.join("% → ")}%, ${view.rampDwellSeconds} s dwell` : "instant"}</dd>
          <dt>Requested</dt>
          <dd>
            <Time value={view.requestedAt} /> by {view.requestedBy}
          </dd>
          <dt>Approved</dt>
          <dd>
            {view.approvedAt ? (
              <>
                <Time value={view.approvedAt} /> {view.approvedBy ? `by ${view.approvedBy}` : "automatically, by no person"}
                {view.decisionNote ? <span className="small"> — note: {view.decisionNote}</span> : null}
              </>
            ) : (
              "—"
            )}
          </dd>
          <dt>Completed</dt>
          <dd>
            <Time value={view.completedAt} />
          </dd>
          {view.postmortemId ? (
            <>
              <dt>Postmortem</dt>
              <dd data-testid="rollback-postmortem">
                <IntentLink href={`/postmortems/${view.postmortemId}`}>Postmortem</IntentLink> {view.postmortemStatus ? <StatusBadge status={view.postmortemStatus} /> : null}
              </dd>
            </>
          ) : null}
        </dl>
        <TimingDefinitions only={["timeToDetectMs", "timeToRollbackMs", "timeToDecideMs", "timeToExecuteMs"]} />
        <DecisionButtons view={view} allowed={allowed} />
      </section>
      <TableWrap label="Rollback steps table">
        <table className="table" aria-label="Rollback steps">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Step</th>
              <th scope="col">Result</th>
              <th scope="col">Started</th>
              <th scope="col">Took</th>
              <th scope="col">Attempts</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {view.steps.map((step) => (
              <tr key={step.position} data-testid={`step-${step.position}`}>
                <td>{step.position + 1}</td>
                <td>
                  {stepLabel(step)}
                  {view.kind === "REHEARSAL" ? <span className="muted small"> ({step.leg} leg)</span> : null}
                </td>
                <td>
                  <Badge tone={STEP_TONE[step.status]}>{statusLabel(step.status)}</Badge>
                </td>
                <td className="small">{step.startedAt ? <Time value={step.startedAt} /> : "—"}</td>
                <td className="small">{formatDuration(step.durationMs)}</td>
                <td>{step.attempts}</td>
                <td className="small">{step.error ?? describeDetail(step.detail)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </div>
  );
}

function describeDetail(detail: Record<string, unknown> | null): string {
  if (!detail) return "";
  if (typeof detail.warning === "string") return detail.warning;
  if (typeof detail.reason === "string") return detail.reason;
  if (typeof detail.target === "string") return `traffic ${detail.target}`;
  if (typeof detail.pinned === "string") return `pinned ${detail.pinned} (was ${String(detail.previous)})`;
  if (Array.isArray(detail.acknowledged)) return `acknowledged by ${(detail.acknowledged as string[]).join(", ") || "nobody"}`;
  if (typeof detail.pinnedVersion === "string" && Array.isArray(detail.traffic)) {
    return `serving: ${detail.pinnedVersion} pinned, ${(detail.traffic as { version: string; percent: number }[]).map((t) => `${t.version} ${t.percent}%`).join(" / ")}`;
  }
  if (typeof detail.weightsDigest === "string") return `manifest of ${String(detail.version)} restored`;
  return "";
}
