import { Badge } from "@/components/ui/badge";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import { formatDuration } from "@/lib/format-duration";
import { formatNumber } from "@/lib/format-number";
import type { DetectionView } from "@/lib/metrics/detections";

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
            const rollback = d.rollbacks[d.rollbacks.length - 1];
            return (
              <tr key={d.id}>
                <td>
                  <code>{d.version}</code> <span className="muted small">{d.metric}</span>
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
                  {rollback ? <Badge tone={rollback.status === "COMPLETED" ? "ok" : "warn"}>rollback {rollback.status.toLowerCase().replace("_", " ")}</Badge> : <Badge>{d.action === "notify" ? "notified" : "no rollback yet"}</Badge>}
                  {d.resolvedAt ? <div className="small muted">resolved</div> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}
