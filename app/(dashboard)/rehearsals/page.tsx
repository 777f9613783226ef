import type { Metadata } from "next";
import { IntentLink } from "@/components/ui/intent-link";
import { ReadinessBadge } from "@/components/rehearsals/readiness-badge";
import { Badge, type Tone } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import { requirePageUser } from "@/lib/auth/current-user";
import { hasRole } from "@/lib/auth/roles";
import { formatDuration } from "@/lib/format-duration";
import { listRehearsalOverview } from "@/lib/rehearsals/manage-rehearsals";
import { describePair } from "@/lib/rehearsals/readiness";
import { RefreshWhileRunning, RehearseNowButton, ScheduleForm } from "./rehearsal-controls";
import { statusLabel } from "@/components/registry/tones";

export const metadata: Metadata = { title: "Rehearsals" };

const TONE: Record<string, Tone> = { PASSED: "ok", FAILED: "bad", REFUSED: "warn", RUNNING: "info" };
const check = (value: boolean | null) => (value === null ? "—" : value ? "yes" : "no");

export default async function RehearsalsPage() {
  const user = await requirePageUser("VIEWER");
  const now = new Date();
  const overview = await listRehearsalOverview(now);
  const canRehearse = hasRole(user.role, "OPERATOR");
  const canSchedule = hasRole(user.role, "APPROVER");
  const running = overview.some((d) => d.history.some((r) => r.status === "RUNNING"));
  return (
    <>
      <PageHeader
        title="Rehearsals"
        description="Each week, in a calm window (UTC), every deployment rolls back to its prior pinned version and forward again through the reverse gate — proving the way back still works before it is needed."
      />
      <RefreshWhileRunning running={running} />
      {overview.length === 0 ? (
        <EmptyState title="No deployments yet">
          <p>Rehearsals start once a deployment has a live and a prior pinned version.</p>
        </EmptyState>
      ) : (
        overview.map((d) => (
          <section key={d.deployment} className="card stack" aria-labelledby={`rehearsals-${d.deployment}`} data-testid={`rehearsals-${d.deployment}`}>
            <div className="page-header">
              <div>
                <h2 id={`rehearsals-${d.deployment}`}>
                  <IntentLink href={`/deployments/${d.deployment}`}>{d.deployment}</IntentLink>
                </h2>
                <ReadinessBadge readiness={d.readiness} now={now} />
                <p className="small">
                  Last passed: <Time value={d.readiness.lastPassedAt} now={now} /> · Schedule: {d.scheduleText}
                  {d.nextWindow ? (
                    <>
                      {" "}
                      · next window <Time value={d.nextWindow} now={now} />
                    </>
                  ) : null}
                </p>
              </div>
              {canRehearse ? <RehearseNowButton deployment={d.deployment} /> : null}
            </div>
            {canSchedule ? <ScheduleForm deployment={d.deployment} {...d.schedule} /> : null}
            {d.history.length === 0 ? (
              <p className="muted">Never rehearsed.</p>
            ) : (
              <TableWrap label={`Rehearsal history of ${d.deployment}`}>
                <table className="table" aria-label={`Rehearsal history of ${d.deployment}`}>
                  <thead>
                    <tr>
                      <th scope="col">Started</th>
                      <th scope="col">Pair</th>
                      <th scope="col">Trigger</th>
                      <th scope="col">Result</th>
                      <th scope="col">Prior reachable</th>
                      <th scope="col">Traffic shifted</th>
                      <th scope="col">Consumers acknowledged</th>
                      <th scope="col">Back leg</th>
                      <th scope="col">Forward leg</th>
                      <th scope="col">By</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.history.map((r) => (
                      <tr key={r.id}>
                        <td className="small"><Time value={r.startedAt} now={now} /></td>
                        <td className="mono">{r.pair ? describePair(r.pair) : <span className="muted">not recorded</span>}</td>
                        <td>{r.trigger.toLowerCase()}</td>
                        <td>
                          <Badge tone={TONE[r.status] ?? "neutral"}>{statusLabel(r.status)}</Badge>
                          {r.failureReason ? <div className="small" data-testid="rehearsal-failure-reason">{r.failureReason}</div> : null}
                        </td>
                        <td>{check(r.priorReachable)}</td>
                        <td>{check(r.trafficShifted)}</td>
                        <td>{check(r.consumersAcknowledged)}</td>
                        <td className="mono">{formatDuration(r.backLegMs)}</td>
                        <td className="mono">{formatDuration(r.forwardLegMs)}</td>
                        <td className="small">{r.requestedBy}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
          </section>
        ))
      )}
    </>
  );
}
