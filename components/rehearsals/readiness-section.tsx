import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import { formatDuration } from "@/lib/format-duration";
import { getReadinessReport } from "@/lib/rehearsals/readiness-report";
import { ReadinessChartsNearScreen } from "./readiness-charts-near";

const ms = (value: number | null) => (value === null ? "—" : `${value} ms`);

/** The rollback SLO, the three readiness indicators as measured by rehearsals and rollbacks, and their history. */
export async function ReadinessSection({ deployment }: { deployment: string }) {
  const report = await getReadinessReport(deployment);
  const { consumerAcknowledgement: acks, manifestReachability: reach, memoryDivergence: memory } = report.indicators;
  const measured = report.rehearsals.length > 0 || acks.history.length > 0;
  return (
    <section className="card stack" aria-labelledby="readiness-heading" data-testid="readiness-section">
      <h2 id="readiness-heading">
        Readiness <Badge tone={report.verdict.tone}>{report.verdict.label}</Badge>
      </h2>
      <p className="small" data-testid="readiness-verdict">
        {report.verdict.reason}
      </p>
      <dl className="kv">
        <dt>Rollback SLO</dt>
        <dd data-testid="readiness-slo">
          {report.slo.rollbackSeconds === null ? (
            <span className="muted">no target set (the rollback plan sets one)</span>
          ) : (
            <>roll back within {formatDuration(report.slo.rollbackSeconds * 1000)}{report.slo.detectSeconds === null ? null : <>, detect within {formatDuration(report.slo.detectSeconds * 1000)}</>}</>
          )}
        </dd>
        <dt>Consensus latency</dt>
        <dd data-testid="indicator-consensus">
          {acks.slowest === null ? (
            <span className="muted">no invalidation measured yet</span>
          ) : (
            <>
              slowest: <strong>{acks.slowest.consumer}</strong> (p95 {ms(acks.slowest.p95Ms)})
            </>
          )}
        </dd>
        <dt>Manifest reachability</dt>
        <dd data-testid="indicator-manifest">
          {reach.latest === null ? (
            <span className="muted">not checked yet (or the backend cannot check)</span>
          ) : (
            <>
              <Badge tone={reach.latest.reachable ? "ok" : "bad"}>{reach.latest.reachable ? "reachable" : "unreachable"}</Badge>{" "}
              <span className="small">
                {reach.latest.artifacts.map((a) => `${a.artifact} ${a.ref}: ${a.reachable ? "answered" : "did not answer"}`).join("; ")} · <Time value={reach.latest.at} />
              </span>
            </>
          )}
        </dd>
        <dt>Agent-memory divergence</dt>
        <dd data-testid="indicator-memory">
          {memory.latest === null ? (
            <span className="muted">not observed yet</span>
          ) : memory.latest.diverged ? (
            <>
              <Badge tone="warn">diverged</Badge>{" "}
              <span className="small">
                checkpoint taken under {memory.latest.checkpointVersion}, not the live version, for {formatDuration(memory.latest.divergedForMs)}
              </span>
            </>
          ) : (
            <>
              <Badge tone="ok">in step</Badge> <span className="small">checkpoint taken under {memory.latest.checkpointVersion}, the live version</span>
            </>
          )}
        </dd>
      </dl>
      {acks.perConsumer.length > 0 ? (
        <TableWrap label="Consumer acknowledgement latency">
          <table className="table" aria-label="Consumer acknowledgement latency">
            <thead>
              <tr>
                <th scope="col">Consumer</th>
                <th scope="col">Invalidations</th>
                <th scope="col">p50</th>
                <th scope="col">p95</th>
                <th scope="col">Never acknowledged</th>
              </tr>
            </thead>
            <tbody>
              {acks.perConsumer.map((c) => (
                <tr key={c.consumer}>
                  <td>{c.consumer}</td>
                  <td>{c.samples}</td>
                  <td>{ms(c.p50Ms)}</td>
                  <td>{ms(c.p95Ms)}</td>
                  <td>{c.unacknowledged}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      {measured ? (
        <ReadinessChartsNearScreen report={report} />
      ) : (
        <EmptyState title="Nothing measured yet">
          <p>Each rehearsal and rollback measures these indicators; run a rehearsal to see them.</p>
        </EmptyState>
      )}
    </section>
  );
}
