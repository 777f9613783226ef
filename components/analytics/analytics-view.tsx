import { IntentLink } from "@/components/ui/intent-link";
import { TimingDefinitions } from "@/components/incidents/timing-definitions";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import type { Analytics } from "@/lib/analytics/load-analytics";
import { formatDuration } from "@/lib/format-duration";
import { DurationChart, RateChart } from "./analytics-charts";

const pct = (r: { numerator: number; denominator: number; rate: number | null }) =>
  r.rate === null ? `— (0 of 0)` : `${(r.rate * 100).toFixed(1)}% (${r.numerator} of ${r.denominator})`;

/** The analytics of one deployment or all: figures, charts and the CSV links behind them. */
export function AnalyticsView({ data, deployment }: { data: Analytics; deployment?: string }) {
  const csv = (kind: string) => {
    const params = new URLSearchParams({ kind, period: data.period, days: String(Math.round((data.range.to.getTime() - data.range.from.getTime()) / 86_400_000)) });
    if (deployment) params.set("deployment", deployment);
    return `/analytics/export.csv?${params}`;
  };
  const t = data.totals;
  return (
    <div className="stack">
      <section className="card" aria-labelledby="figures">
        <h2 id="figures">Over the range</h2>
        <dl className="grid-2">
          <div>
            <dt>Time to detect</dt>
            <dd className="mono" data-testid="ttd-total">
              median {formatDuration(t.ttd.medianMs)} · p90 {formatDuration(t.ttd.p90Ms)} · n={t.ttd.count}
            </dd>
          </div>
          <div>
            <dt>Time to roll back</dt>
            <dd className="mono" data-testid="ttr-total">
              median {formatDuration(t.ttr.medianMs)} · p90 {formatDuration(t.ttr.p90Ms)} · n={t.ttr.count}
            </dd>
          </div>
          <div>
            <dt>Change failure rate (rolled-back promotions / promotions)</dt>
            <dd className="mono">{pct(t.changeFailure)}</dd>
          </div>
          <div>
            <dt>Rehearsal pass rate</dt>
            <dd className="mono">{pct(t.rehearsalPass)}</dd>
          </div>
          <div>
            <dt>Rollback SLO attainment (incidents / rehearsals rolled back within target)</dt>
            <dd className="mono" data-testid="slo-attainment">
              {pct(t.sloAttainment)} / {pct(t.rehearsalSloAttainment)}
            </dd>
          </div>
          <div>
            <dt>Overdue action items</dt>
            <dd className="mono">
              {t.overdueActionItems} of {t.openActionItems} open
            </dd>
          </div>
        </dl>
        <p className="small">
          CSV: <a href={csv("summary")}>per period</a> · <a href={csv("incidents")}>incidents</a> · <a href={csv("promotions")}>promotions</a> ·{" "}
          <a href={csv("rehearsals")}>rehearsals</a> · <a href={csv("action-items")}>overdue action items</a>
        </p>
      </section>
      <TimingDefinitions only={["timeToDetectMs", "timeToRollbackMs"]} />
      <section className="grid-2">
        <div className="card">
          <DurationChart title="Time to detect per period (median, p90, count)" points={data.series.timeToDetect} />
        </div>
        <div className="card">
          <DurationChart title="Time to roll back per period (median, p90, count)" points={data.series.timeToRollback} />
        </div>
        <div className="card">
          <RateChart title="Change failure rate per period" points={data.series.changeFailureRate} denominatorLabel="promotions" />
        </div>
        <div className="card">
          <RateChart title="Rehearsal pass rate per period" points={data.series.rehearsalPassRate} denominatorLabel="rehearsals" />
        </div>
        <div className="card">
          <RateChart title="Rollback SLO attainment per period (incidents)" points={data.series.sloAttainment} denominatorLabel="incidents with a target" />
        </div>
        <div className="card">
          <RateChart title="Rollback SLO attainment per period (rehearsals)" points={data.series.rehearsalSloAttainment} denominatorLabel="rehearsals with a target" />
        </div>
      </section>
      <section className="card" aria-labelledby="overdue">
        <h2 id="overdue">Overdue action items</h2>
        {data.rows.overdue.length === 0 ? (
          <p className="muted">None overdue.</p>
        ) : (
          <TableWrap label="Overdue action items table">
            <table className="table" aria-label="Overdue action items">
              <thead>
                <tr>
                  <th scope="col">Action</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Due</th>
                  <th scope="col">Postmortem</th>
                </tr>
              </thead>
              <tbody>
                {data.rows.overdue.map((i) => (
                  <tr key={i.id}>
                    <td>{i.title}</td>
                    <td>{i.owner.name}</td>
                    <td className="small"><Time value={i.dueDate} /></td>
                    <td>
                      <IntentLink href={`/postmortems/${i.postmortem.id}`}>{i.postmortem.title}</IntentLink>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>
    </div>
  );
}
