import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import { formatNumber } from "@/lib/format-number";
import { humaniseSeconds } from "@/lib/metrics/floor";
import type { PolicyView } from "@/lib/metrics/policy-store";
import { VerdictBadge } from "./verdict-badge";

const ACTION_TEXT = {
  notify: "notify only",
  request: "request a rollback (needs approval)",
  auto: "roll back automatically",
  "degrade:reduced": "degrade to reduced at once, and request a rollback (needs approval)",
  "degrade:fallback": "degrade to fallback at once, and request a rollback (needs approval)",
  "degrade:off": "degrade to off at once, and request a rollback (needs approval)",
} as const;

/** A rollback policy as an operator reads it: the floor and its source, the window, and the last verdict. */
export function PolicyPanel({ policy, editor }: { policy: PolicyView; editor?: ReactNode }) {
  const query = typeof policy.source.query === "string" ? policy.source.query : null;
  const failing = policy.consecutiveErrors >= policy.consecutiveErrorLimit;
  const reason = typeof policy.lastStats?.reason === "string" ? policy.lastStats.reason : null;
  return (
    <div className="card" data-testid="policy-panel">
      <h3>
        Rollback policy: <code>{policy.metric}</code>
      </h3>
      <dl className="kv">
        <dt>Source</dt>
        <dd>
          <span className="mono">{policy.sourceDescription.kind}</span> <span className="muted">— {policy.sourceDescription.label}, {policy.sourceDescription.target}</span>
          {query ? (
            <pre className="mono small" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }} data-testid="policy-query">
              {query}
            </pre>
          ) : null}
        </dd>
        <dt>Floor</dt>
        <dd>
          {policy.effectiveFloor ? (
            <>
              <strong className="mono">{formatNumber(policy.effectiveFloor.value)}</strong> <span className="muted">— {policy.effectiveFloor.source.description}</span>
            </>
          ) : (
            <span className="muted">none yet: {policy.floorUnavailable}</span>
          )}
        </dd>
        <dt>Direction</dt>
        <dd>{policy.direction === "higher_is_better" ? "higher is better (breach below the floor)" : "lower is better (breach above the floor)"}</dd>
        <dt>Window</dt>
        <dd>
          {humaniseSeconds(policy.windowSeconds).replace("-", " ")}, at least {policy.minSamples} samples, evaluated every {policy.evaluationIntervalSeconds} s
        </dd>
        <dt>Action</dt>
        <dd>{ACTION_TEXT[policy.action]}</dd>
        <dt>Last verdict</dt>
        <dd data-testid="policy-last-verdict">
          <VerdictBadge verdict={policy.lastVerdict} /> {policy.lastEvaluatedAt ? <Time value={policy.lastEvaluatedAt} /> : null}
          {reason ? <div className="small muted">{reason}</div> : null}
        </dd>
        <dt>Source errors</dt>
        <dd data-testid="policy-source-errors">
          {policy.consecutiveErrors > 0 ? (
            <Badge tone={failing ? "bad" : "warn"}>
              {policy.consecutiveErrors} in a row{failing ? ", notified" : ""}
            </Badge>
          ) : (
            <span>none in a row</span>
          )}{" "}
          <span className="small muted">(notifies at {policy.consecutiveErrorLimit})</span>
          {policy.lastError ? (
            <div className="small muted">
              last: {policy.lastError.message} — <Time value={policy.lastError.at} />
            </div>
          ) : null}
        </dd>
      </dl>
      {editor}
    </div>
  );
}
