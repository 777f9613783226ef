import { Badge } from "@/components/ui/badge";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import { formatMetricValue } from "@/lib/metrics/floor";
import type { DetectionView } from "@/lib/metrics/detections";

/** `6h 2m`: time to detect as an operator says it. */
function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.round(ms / 1000)} s`;
  const h = Math.floor(minutes / 60);
  return h > 0 ? `${h}h ${minutes % 60}m` : `${minutes}m`;
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
            const mean = typeof d.windowStats.mean === "number" ? formatMetricValue(d.windowStats.mean) : "—";
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
                <td className="mono">{duration(d.timeToDetectMs)}</td>
                <td>
                  <span className="mono">{mean}</span> vs <span className="mono">{formatMetricValue(d.floorValue)}</span>
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
