import { IntentLink } from "@/components/ui/intent-link";
import { VERSION_STATUS_TONE, statusLabel } from "@/components/registry/tones";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import { HealthBadge } from "@/components/deployments/deployment-health";
import type { DeploymentDetailView } from "@/lib/deployments/schemas";
import { listCapabilities, SERVING_CAPABILITIES } from "@/lib/serving/capabilities";

/** Live and prior pinned versions, traffic, consumers, the serving backend and every version's status here. */
export function OverviewSection({ deployment, now }: { deployment: DeploymentDetailView; now: Date }) {
  const versionLink = (version: string | null) =>
    version ? <IntentLink href={`/models/${deployment.model}/versions/${version}`}>{version}</IntentLink> : <span className="muted">none</span>;
  return (
    <section className="card" aria-labelledby="overview-heading">
      <h2 id="overview-heading">Pinned versions</h2>
      <div className="grid-2">
        <dl className="kv">
          <dt>Live</dt>
          <dd>
            {versionLink(deployment.liveVersion)}
            {deployment.liveSince ? (
              <span className="small">
                {" "}
                since <Time value={deployment.liveSince} now={now} />
              </span>
            ) : null}
          </dd>
          <dt>Prior (rollback target)</dt>
          <dd>{deployment.priorVersion ? versionLink(deployment.priorVersion) : <span className="muted">none: no prior pinned version to roll back to</span>}</dd>
          <dt>Traffic</dt>
          <dd>
            {deployment.traffic.length === 0 ? (
              <span className="muted">no split recorded</span>
            ) : (
              deployment.traffic.map((t) => (
                <span key={t.version} className="mono">
                  {t.version} {t.percent}%{" "}
                </span>
              ))
            )}
          </dd>
          <dt>Health</dt>
          <dd data-testid="health-line">
            <HealthBadge health={deployment.health} now={now} /> {deployment.health.reason}
          </dd>
        </dl>
        <dl className="kv">
          <dt>Consumers</dt>
          <dd>
            {deployment.consumers.length === 0 ? (
              <span className="muted">none registered</span>
            ) : (
              <ul className="row" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label="Consumers">
                {deployment.consumers.map((c) => (
                  <li key={c.name}>
                    <Badge tone={c.blocking ? "info" : "neutral"} title={c.blocking ? "Its acknowledgement is required before a rollback completes" : undefined}>
                      {c.name}
                      {c.blocking ? " · blocking" : ""}
                    </Badge>
                  </li>
                ))}
              </ul>
            )}
          </dd>
          <dt>Serving backend</dt>
          <dd data-testid="serving-backend">
            <span className="mono">{deployment.serving.kind}</span> <span className="muted">({deployment.serving.label})</span> at{" "}
            <code>{deployment.serving.target}</code>
            {deployment.serving.problem ? (
              <p className="alert error small" role="alert">
                Its configuration no longer works: {deployment.serving.problem}
              </p>
            ) : null}
            <ul className="row" style={{ listStyle: "none", padding: 0, margin: "0.25rem 0 0" }} aria-label="Serving capabilities">
              {listCapabilities(deployment.serving.capabilities).map((c) => (
                <li key={c.capability}>
                  <Badge tone={c.supported ? "ok" : "neutral"} title={c.supported ? undefined : `This backend ${SERVING_CAPABILITIES[c.capability].lacking}`}>
                    {c.supported ? "✓" : "✗"} {c.label}
                  </Badge>
                </li>
              ))}
            </ul>
          </dd>
          <dt>Versions here</dt>
          <dd>
            {deployment.versions.length === 0 ? (
              <span className="muted">none yet</span>
            ) : (
              <ul className="row" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label="Versions on this deployment">
                {[...deployment.versions].reverse().map((v) => (
                  <li key={v.version}>
                    <Badge tone={VERSION_STATUS_TONE[v.status]} title={v.productionFailure ?? undefined}>
                      {v.version} {statusLabel(v.status)}
                    </Badge>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </dl>
      </div>
    </section>
  );
}
