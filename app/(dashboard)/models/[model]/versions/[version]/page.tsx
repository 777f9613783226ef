import type { Metadata } from "next";
import { IntentLink } from "@/components/ui/intent-link";
import { VersionFailures } from "@/components/postmortems/version-failures";
import { loadOrNotFound } from "@/components/registry/load-or-not-found";
import { ManifestComparison } from "@/components/registry/manifest-comparison";
import { VERSION_STATUS_TONE, statusLabel } from "@/components/registry/tones";
import { Badge } from "@/components/ui/badge";
import { Digest } from "@/components/ui/digest";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import { requirePageUser } from "@/lib/auth/current-user";
import { formatNumber } from "@/lib/format-number";
import { getModelVersionDetail, type ModelVersionDetail } from "@/lib/registry/get-model-version-detail";
import { RetentionCell } from "../../retention-cell";

type Props = {
  params: Promise<{ model: string; version: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { model, version } = await params;
  return { title: `${model}:${version}` };
}

/** The version it replaced when last promoted, else the one registered just before it. */
function defaultComparison(detail: ModelVersionDetail): string | null {
  const replaced = detail.promotions.find((p) => p.replacedVersion !== null)?.replacedVersion;
  if (replaced) return replaced;
  const index = detail.siblings.findIndex((s) => s.version === detail.version.version);
  return detail.siblings[index - 1]?.version ?? detail.siblings[index + 1]?.version ?? null;
}

export default async function ModelVersionPage({ params, searchParams }: Props) {
  await requirePageUser("VIEWER");
  const { model, version } = await params;
  const detail = await loadOrNotFound(getModelVersionDetail(model, version));
  const requested = (await searchParams).against;
  const others = detail.siblings.filter((s) => s.version !== version);
  const againstId = others.some((s) => s.version === requested) ? (requested as string) : defaultComparison(detail);
  const against = others.find((s) => s.version === againstId) ?? null;
  const v = detail.version;
  const now = new Date();

  return (
    <>
      <PageHeader
        title={`${model}:${version}`}
        description={
          <>
            Pinned version of <IntentLink href={`/models/${model}`}>{model}</IntentLink>, registered <Time value={v.registeredAt} now={now} /> by {v.registeredBy}
          </>
        }
        actions={v.retention.purgedAt ? <Badge tone="neutral">purged</Badge> : null}
      />
      <div className="stack">
        <section className="card" aria-labelledby="artifact-heading">
          <h2 id="artifact-heading">Artifact and scores</h2>
          <dl className="kv">
            <dt>Artifact</dt>
            <dd className="mono small">{v.artifactUri}</dd>
            <dt>Digest</dt>
            <dd className="small">
              <Digest value={v.artifactDigest} label="artifact digest" />
            </dd>
            <dt>Offline scores</dt>
            <dd className="mono small">
              {Object.keys(v.offlineScores).length === 0
                ? "none recorded"
                : Object.entries(v.offlineScores)
                    .map(([name, score]) => `${name}: ${formatNumber(score)}`)
                    .join(" · ")}
            </dd>
            <dt>Retention</dt>
            <dd>
              <RetentionCell retention={v.retention} now={now} />
            </dd>
          </dl>
        </section>

        <VersionFailures model={model} version={version} />

        <section className="card" aria-labelledby="deployments-heading">
          <h2 id="deployments-heading">On deployments</h2>
          {v.deployments.length === 0 ? (
            <p className="muted">Never deployed.</p>
          ) : (
            <TableWrap label="Status per deployment table">
              <table className="table" aria-label="Status per deployment">
                <thead>
                  <tr>
                    <th scope="col">Deployment</th>
                    <th scope="col">Status</th>
                    <th scope="col">Since</th>
                    <th scope="col">Production failure</th>
                  </tr>
                </thead>
                <tbody>
                  {v.deployments.map((d) => (
                    <tr key={d.deployment}>
                      <td>
                        <IntentLink href={`/deployments/${d.deployment}`}>{d.deployment}</IntentLink>
                      </td>
                      <td>
                        <Badge tone={VERSION_STATUS_TONE[d.status]}>{statusLabel(d.status)}</Badge>
                      </td>
                      <td className="small">
                        <Time value={d.since} now={now} />
                      </td>
                      <td className="small">{d.productionFailure ?? <span className="muted">none recorded</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </section>

        <section className="card" aria-labelledby="manifest-heading">
          <h2 id="manifest-heading">State manifest</h2>
          {others.length > 0 ? (
            <form className="form-inline" method="get" aria-label="Choose a version to compare with" style={{ marginBottom: "0.75rem" }}>
              <label className="field">
                Compare with
                <select className="input" name="against" defaultValue={against?.version}>
                  {others.map((s) => (
                    <option key={s.version} value={s.version}>
                      {s.version}
                    </option>
                  ))}
                </select>
              </label>
              <button className="button" type="submit">
                Compare
              </button>
            </form>
          ) : null}
          {against ? (
            <ManifestComparison
              from={{ label: `${version} (this version)`, manifest: v.manifest }}
              to={{ label: against.version, manifest: against.manifest }}
              move={`Moving from ${version} to ${against.version}`}
            />
          ) : (
            <EmptyState title="Nothing to compare with">
              <p>This is the model&apos;s only version.</p>
            </EmptyState>
          )}
        </section>

        <section className="card" aria-labelledby="promotions-heading">
          <h2 id="promotions-heading">Promotions</h2>
          {detail.promotions.length === 0 ? (
            <p className="muted">Never promoted.</p>
          ) : (
            <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }}>
              {detail.promotions.map((p) => (
                <li key={`${p.deployment}-${p.promotedAt}`}>
                  <Time value={p.promotedAt} now={now} /> live on <IntentLink href={`/deployments/${p.deployment}`}>{p.deployment}</IntentLink>
                  {p.replacedVersion ? <> replacing {p.replacedVersion}</> : null} <span className="muted small">by {p.actor}</span>
                  {p.override ? <> <Badge tone="warn">override</Badge></> : null}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </>
  );
}
