import { Badge, type Tone } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import { formatMetricValue, humaniseSeconds } from "@/lib/metrics/floor";
import type { PolicyView } from "@/lib/metrics/policy-store";

const VERDICT: Record<string, { tone: Tone; text: string }> = {
  healthy: { tone: "ok", text: "healthy" },
  breach: { tone: "bad", text: "breach" },
  no_data: { tone: "warn", text: "no data" },
  error: { tone: "bad", text: "evaluation error" },
};

const ACTION_TEXT = {
  notify: "notify only",
  request: "request a rollback (needs approval)",
  auto: "roll back automatically",
  "degrade:reduced": "degrade to reduced at once, and request a rollback (needs approval)",
  "degrade:fallback": "degrade to fallback at once, and request a rollback (needs approval)",
  "degrade:off": "degrade to off at once, and request a rollback (needs approval)",
} as const;

/** A rollback policy as an operator reads it: the floor and its source, the window, and the last verdict. */
export function PolicyPanel({ policy }: { policy: PolicyView }) {
  const verdict = policy.lastVerdict ? VERDICT[policy.lastVerdict] : null;
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
        </dd>
        <dt>Floor</dt>
        <dd>
          {policy.effectiveFloor ? (
            <>
              <strong className="mono">{formatMetricValue(policy.effectiveFloor.value)}</strong> <span className="muted">— {policy.effectiveFloor.source.description}</span>
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
          {verdict ? <Badge tone={verdict.tone}>{verdict.text}</Badge> : <Badge>not evaluated yet</Badge>}{" "}
          {policy.lastEvaluatedAt ? <Time value={policy.lastEvaluatedAt} /> : null}
          {reason ? <div className="small muted">{reason}</div> : null}
        </dd>
      </dl>
    </div>
  );
}
