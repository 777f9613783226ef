import { IntentLink } from "@/components/ui/intent-link";
import { StatusBadge } from "@/components/postmortems/postmortem-status-badge";
import { statusLabel } from "@/components/registry/tones";
import { Badge } from "@/components/ui/badge";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import { formatDuration } from "@/lib/format-duration";
import { formatNumber } from "@/lib/format-number";
import type { DetectionView } from "@/lib/metrics/detections";

/** What a detection led to, each part linking to its record: the rollback and the postmortem. */
export function DetectionOutcome({ detection }: { detection: DetectionView }) {
  const rollback = detection.rollbacks.at(-1);
  return (
    <span className="stack" style={{ gap: "0.2rem" }}>
      {rollback ? (
        <IntentLink href={`/rollbacks/${rollback.id}`} aria-label={`Rollback: ${statusLabel(rollback.status)}`}>
          <Badge tone={rollback.status === "COMPLETED" ? "ok" : "warn"}>Rollback {statusLabel(rollback.status).toLowerCase()}</Badge>
        </IntentLink>
      ) : (
        <Badge>{detection.action === "notify" ? "Notified" : "No rollback yet"}</Badge>
      )}
      {detection.postmortem ? (
        <span className="small">
          <IntentLink href={`/postmortems/${detection.postmortem.id}`}>Postmortem</IntentLink> <StatusBadge status={detection.postmortem.status} />
        </span>
      ) : null}
      {detection.resolvedAt ? <span className="small muted">resolved</span> : null}
    </span>
  );
}

/** The deployment's sustained-breach verdicts, newest first. */
export function DetectionsList({ detections }: { detections: DetectionView[] }) {
  if (detections.length === 0) return <p className="muted">No detections: no canary metric has held below its floor for a whole window.</p>;
  return (
    <TableWrap label="Detections">
      <table className="table" data-testid="detections-table">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Regression started</th>
            <th scope="col">Detected</th>
            <th scope="col">Time to detect</th>
            <th scope="col">Window mean vs floor</th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {detections.map((d) => {
            const mean = typeof d.windowStats.mean === "number" ? formatNumber(d.windowStats.mean) : "—";
            return (
              <tr key={d.id}>
                <td>
                  <IntentLink href={`/detections/${d.id}`}>
                    <code>{d.version}</code> {d.metric}
                  </IntentLink>
                </td>
                <td>
                  <Time value={d.regressionStartedAt} />
                </td>
                <td>
                  <Time value={d.detectedAt} />
                </td>
                <td className="mono">{formatDuration(d.timeToDetectMs)}</td>
                <td>
                  <span className="mono">{mean}</span> vs <span className="mono">{formatNumber(d.floorValue)}</span>
                  <div className="small muted">{d.floorSource}</div>
                </td>
                <td>
                  <DetectionOutcome detection={d} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}
