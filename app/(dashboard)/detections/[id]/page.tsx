import type { Metadata } from "next";
import { IntentLink } from "@/components/ui/intent-link";
import { notFound } from "next/navigation";
import { TimingDefinitions } from "@/components/incidents/timing-definitions";
import { DetectionOutcome } from "@/components/metrics/detections-list";
import { EvidenceChart } from "@/components/metrics/evidence-chart";
import { statusLabel } from "@/components/registry/tones";
import { formatDuration } from "@/lib/format-duration";
import { PageHeader } from "@/components/ui/page-header";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import { requirePageUser } from "@/lib/auth/current-user";
import { AppError } from "@/lib/errors";
import { getDetection } from "@/lib/metrics/detections";
import { formatNumber } from "@/lib/format-number";

export const metadata: Metadata = { title: "Detection" };

const STATS: [key: string, label: string][] = [
  ["count", "Points in the window"],
  ["sampleCount", "Samples behind them"],
  ["mean", "Mean"],
  ["min", "Lowest"],
  ["max", "Highest"],
  ["breachingCount", "Points beyond the floor"],
];

/** One detection: why it fired (window, evidence, floor and its source) and what it led to. */
export default async function DetectionPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageUser("VIEWER");
  const { id } = await params;
  const detection = await getDetection(id).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  const stats = detection.windowStats;
  const stat = (key: string) => {
    const value = stats[key];
    if (typeof value !== "number") return "—";
    return key === "mean" || key === "min" || key === "max" ? formatNumber(value) : String(value);
  };
  const windowStart = typeof stats.windowStart === "string" ? stats.windowStart : null;
  const windowEnd = typeof stats.windowEnd === "string" ? stats.windowEnd : null;
  return (
    <>
      <PageHeader
        title={`Detection: ${detection.metric} on ${detection.version}`}
        description={
          <>
            <IntentLink href={detection.links.deployment}>{detection.deployment}</IntentLink> · detected <Time value={detection.detectedAt} /> ·{" "}
            <span className="mono small">{detection.id}</span>
          </>
        }
      />
      <div className="stack">
        <section className="card stack" aria-labelledby="detection-outcome">
          <h2 id="detection-outcome">What it led to</h2>
          <DetectionOutcome detection={detection} />
          {detection.rollbacks.length > 0 ? (
            <ul className="small" aria-label="Rollbacks for this detection">
              {detection.rollbacks.map((op) => (
                <li key={op.id}>
                  <IntentLink href={`/rollbacks/${op.id}`}>Rollback requested</IntentLink> <Time value={op.requestedAt} /> — {statusLabel(op.status).toLowerCase()}
                  {op.completedAt ? (
                    <>
                      , completed <Time value={op.completedAt} />
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : null}
          {detection.postmortem ? (
            <p className="small" style={{ margin: 0 }}>
              Postmortem: <IntentLink href={`/postmortems/${detection.postmortem.id}`}>{detection.postmortem.title}</IntentLink>
            </p>
          ) : null}
        </section>

        <section className="card stack" aria-labelledby="detection-window">
          <h2 id="detection-window">The window that fired</h2>
          <dl className="kv">
            <dt>Floor</dt>
            <dd>
              <strong className="mono">{formatNumber(detection.floorValue)}</strong> <span className="muted">— {detection.floorSource}</span>
            </dd>
            <dt>Window</dt>
            <dd>
              {windowStart && windowEnd ? (
                <>
                  <Time value={windowStart} /> to <Time value={windowEnd} />
                </>
              ) : (
                "—"
              )}
            </dd>
            <dt>Regression started</dt>
            <dd>
              <Time value={detection.regressionStartedAt} />
            </dd>
            <dt>Time to detect (TTD)</dt>
            <dd className="mono" data-testid="detection-ttd">
              {formatDuration(detection.timeToDetectMs)}
            </dd>
            {STATS.map(([key, label]) => (
              <div key={key} style={{ display: "contents" }}>
                <dt>{label}</dt>
                <dd className="mono">{stat(key)}</dd>
              </div>
            ))}
          </dl>
          <TimingDefinitions only={["timeToDetectMs"]} />
        </section>

        <section className="card stack" aria-labelledby="detection-evidence">
          <h2 id="detection-evidence">Evidence</h2>
          {detection.evidence.length === 0 ? (
            <p className="muted">No evidence points were kept with this detection.</p>
          ) : (
            <>
              <EvidenceChart
                points={detection.evidence}
                floor={detection.floorValue}
                label={`Line chart of ${detection.evidence.length} ${detection.metric} points of ${detection.version}, against the floor ${formatNumber(detection.floorValue)}`}
              />
              <details>
                <summary>The {detection.evidence.length} points as a table</summary>
                <TableWrap label="Evidence points table">
                  <table className="table" aria-label="Evidence points">
                    <thead>
                      <tr>
                        <th scope="col">Time (UTC)</th>
                        <th scope="col">Value</th>
                        <th scope="col">Samples</th>
                      </tr>
                    </thead>
                    <tbody>
                      {detection.evidence.map((p) => (
                        <tr key={p.ts}>
                          <td className="mono small">{p.ts.slice(0, 19).replace("T", " ")}</td>
                          <td className="mono">{formatNumber(p.value)}</td>
                          <td className="mono">{p.sampleCount}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
              </details>
            </>
          )}
        </section>
      </div>
    </>
  );
}
