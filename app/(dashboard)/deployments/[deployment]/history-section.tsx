import { IntentLink } from "@/components/ui/intent-link";
import { statusLabel } from "@/components/registry/tones";
import { Badge, type Tone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { Time } from "@/components/ui/time";
import { LEVEL_TONE } from "@/components/degradation/tones";
import type { TimelineEntry } from "@/lib/deployments/get-deployment-timeline";
import { formatNumber } from "@/lib/format-number";
import type { DegradationLevel } from "@/lib/serving/degradation";

const OUTCOME_TONE: Record<string, Tone> = {
  COMPLETED: "ok",
  PASSED: "ok",
  FAILED: "bad",
  REFUSED: "bad",
  REJECTED: "bad",
  CANCELLED: "neutral",
  applied: "ok",
  failed: "bad",
  pending: "info",
};

function EntryText({ entry, model }: { entry: TimelineEntry; model: string }) {
  const version = (v: string) => <IntentLink href={`/models/${model}/versions/${v}`}>{v}</IntentLink>;
  switch (entry.kind) {
    case "promotion":
      return (
        <>
          <Badge tone="info">promotion</Badge> {version(entry.version)} went live
          {entry.replacedVersion ? <> replacing {version(entry.replacedVersion)}</> : null}
          {entry.override ? <> <Badge tone="warn">override: was rolled back here</Badge></> : null}
          <span className="muted small"> · by {entry.actor}{entry.floor !== null ? ` · floor ${formatNumber(entry.floor)}` : ""}</span>
        </>
      );
    case "rollback":
      return (
        <>
          <Badge tone="warn">rollback</Badge> {version(entry.fromVersion)} → {version(entry.toVersion)} ({entry.mode.toLowerCase()}){" "}
          <Badge tone={OUTCOME_TONE[entry.status] ?? "warn"}>{statusLabel(entry.status)}</Badge>
          <span className="muted small"> · {entry.reason} · by {entry.requestedBy}</span>
        </>
      );
    case "degradation":
      return (
        <>
          <Badge tone={LEVEL_TONE[entry.to as DegradationLevel]}>{entry.to === "normal" ? "back to normal" : `degraded: ${entry.to}`}</Badge> from {entry.from}{" "}
          <Badge tone={OUTCOME_TONE[entry.status] ?? "warn"}>{entry.status}</Badge>
          <span className="muted small">
            {" "}
            · {entry.reason} · by {entry.by}
            {entry.origin === "policy" ? " (policy)" : ""}
            {entry.servedBy ? ` · served by ${entry.servedBy}` : ""}
            {entry.error ? ` · ${entry.error}` : ""}
          </span>
        </>
      );
    case "rehearsal":
      return (
        <>
          <Badge tone="neutral">rehearsal</Badge> {entry.trigger.toLowerCase()} rehearsal{" "}
          <Badge tone={OUTCOME_TONE[entry.status] ?? "warn"}>{statusLabel(entry.status)}</Badge>
          <span className="muted small">
            {entry.failureReason ? ` · ${entry.failureReason}` : ""} · by {entry.requestedBy}
          </span>
        </>
      );
  }
}

/** Promotions, rollbacks, rehearsals and degradation changes as one history, newest first. */
export function HistorySection({ entries, model, now }: { entries: TimelineEntry[]; model: string; now: Date }) {
  return (
    <section className="card" aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      {entries.length === 0 ? (
        <EmptyState title="No history yet">
          <p>Promotions recorded by the forward pipeline, rollbacks, weekly rehearsals and degradation changes appear here.</p>
        </EmptyState>
      ) : (
        <ol className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label="Deployment history" data-testid="deployment-history">
          {entries.map((entry) => (
            <li key={`${entry.kind}-${entry.id}`} className="row">
              <span className="small" style={{ minWidth: "17rem" }}>
                <Time value={entry.at} now={now} />
              </span>
              <span>
                <EntryText entry={entry} model={model} />
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
