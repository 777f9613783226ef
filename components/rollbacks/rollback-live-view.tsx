"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, useTransition } from "react";
import { Badge } from "@/components/ui/badge";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import type { RollbackView } from "@/lib/rollbacks/rollback-views";
import { formatDuration } from "@/lib/format-duration";
import { STATUS_TONE, STEP_TONE, stepLabel } from "./format";
import { callApi, rollbackKeys, rollbackQueryOptions } from "./rollback-queries";

type Decision = "approve" | "reject" | "cancel" | "retry";

/** What the signed-in user may do to this operation; decided on the server, enforced there again. */
export type AllowedDecisions = Partial<Record<Decision, boolean>>;

function DecisionButtons({ view, allowed }: { view: RollbackView; allowed: AllowedDecisions }) {
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const decide = (decision: Decision) =>
    startTransition(async () => {
      try {
        await callApi(`/api/v1/rollbacks/${encodeURIComponent(view.id)}/${decision}`, { method: "POST" });
        setError(null);
      } catch (thrown) {
        setError(thrown instanceof Error ? thrown.message : String(thrown));
      }
      await client.invalidateQueries({ queryKey: rollbackKeys.detail(view.id) });
    });
  const offered: { decision: Decision; label: string; tone: string; when: boolean }[] = [
    { decision: "approve", label: `Approve rollback to ${view.toVersion}`, tone: "primary", when: view.status === "AWAITING_APPROVAL" },
    { decision: "reject", label: "Reject", tone: "", when: view.status === "AWAITING_APPROVAL" },
    { decision: "retry", label: "Retry", tone: "primary", when: view.status === "FAILED" },
    { decision: "cancel", label: "Cancel", tone: "", when: ["REQUESTED", "AWAITING_APPROVAL", "APPROVED", "FAILED"].includes(view.status) },
  ];
  const shown = offered.filter((o) => o.when && allowed[o.decision]);
  if (shown.length === 0 && !error) return null;
  return (
    <div className="row">
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

/** A rollback as it runs: each step with its time and result, refreshed every second until final. */
export function RollbackLiveView({ initial, allowed }: { initial: RollbackView; allowed: AllowedDecisions }) {
  const { data } = useQuery(rollbackQueryOptions(initial.id, initial));
  const view = data ?? initial;
  const now = new Date();
  return (
    <div className="stack">
      <section className="card stack" aria-labelledby="rollback-summary">
        <h2 id="rollback-summary" className="row">
          {view.kind === "REHEARSAL" ? "Rehearsal" : "Rollback"} of <Link href={`/deployments/${view.deployment}`}>{view.deployment}</Link>: {view.fromVersion} →{" "}
          {view.toVersion} <Badge tone={STATUS_TONE[view.status]}>{view.status}</Badge>
          {!view.terminal && view.status === "EXECUTING" ? <span className="small muted">updating live</span> : null}
        </h2>
        <p style={{ margin: 0 }}>{view.reason}</p>
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
        {view.warnings.map((warning) => (
          <p key={warning} className="alert warn" role="status">
            {warning}
          </p>
        ))}
        <dl className="kv" aria-label="Times">
          <dt>Time to detect</dt>
          <dd data-testid="time-to-detect">{view.detectionId ? formatDuration(view.timeToDetectMs) : "— (requested by hand, no detection)"}</dd>
          <dt>Time to roll back</dt>
          <dd data-testid="time-to-rollback">
            {formatDuration(view.timeToRollbackMs)}
            {view.timeToRollbackMs !== null ? ` (${view.detectionId ? "detection" : "request"} to completion)` : ""}
          </dd>
          <dt>Time to decide</dt>
          <dd data-testid="time-to-decide">{formatDuration(view.timeToDecideMs)}</dd>
          <dt>Time to execute</dt>
          <dd data-testid="time-to-execute">{formatDuration(view.timeToExecuteMs)}</dd>
          <dt>Mode</dt>
          <dd>{view.mode === "ramp" ? `ramp ${view.rampStages.join("% → ")}%, ${view.rampDwellSeconds} s dwell` : "instant"}</dd>
          <dt>Requested</dt>
          <dd>
            <Time value={view.requestedAt} now={now} /> by {view.requestedBy}
          </dd>
          <dt>Approved</dt>
          <dd>
            {view.approvedAt ? (
              <>
                <Time value={view.approvedAt} now={now} /> {view.approvedBy ? `by ${view.approvedBy}` : "automatically, by no person"}
                {view.decisionNote ? <span className="small"> — note: {view.decisionNote}</span> : null}
              </>
            ) : (
              "—"
            )}
          </dd>
          <dt>Completed</dt>
          <dd>
            <Time value={view.completedAt} now={now} />
          </dd>
          {view.postmortemId ? (
            <>
              <dt>Postmortem</dt>
              <dd>
                <Link href={`/postmortems/${view.postmortemId}`}>draft opened</Link>
              </dd>
            </>
          ) : null}
        </dl>
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
                  <Badge tone={STEP_TONE[step.status]}>{step.status}</Badge>
                </td>
                <td className="small">{step.startedAt ? <Time value={step.startedAt} now={now} /> : "—"}</td>
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
