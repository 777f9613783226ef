"use client";

import { useRouter } from "next/navigation";
import { useId, useRef, useState, useTransition, type FormEvent } from "react";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import type { ActionResult } from "@/lib/actions/guarded-action";
import { savePolicyAction, testPolicyAction } from "@/lib/metrics/actions";
import { formatNumber } from "@/lib/format-number";
import type { PolicyView } from "@/lib/metrics/policy-store";
import { formatLabels } from "@/lib/metrics/sources/prometheus/promql-template";
import type { PolicyTestResult } from "@/lib/metrics/test-policy";
import { VerdictBadge } from "./verdict-badge";

const EXAMPLE_QUERY = 'sum(rate(router_correct_total{version="{{version}}"}[5m])) / sum(rate(router_requests_total{version="{{version}}"}[5m]))';

type Auth = { type: "bearer"; tokenEnv: string } | { type: "basic"; username: string; passwordEnv: string };
type PrometheusConfig = { url?: string; query?: string; timeoutSeconds?: number; auth?: Auth; tls?: { caFile?: string; insecureSkipVerify?: boolean }; headers?: Record<string, string> };

const text = (data: FormData, name: string) => String(data.get(name) ?? "").trim();

/** The source the form describes; fields the form does not show (headers) are kept from the saved one. */
function sourceFrom(data: FormData, saved: PrometheusConfig): Record<string, unknown> {
  if (data.get("kind") !== "prometheus") return { kind: "push" };
  const authType = data.get("authType");
  const auth =
    authType === "bearer"
      ? { type: "bearer", tokenEnv: text(data, "tokenEnv") }
      : authType === "basic"
        ? { type: "basic", username: text(data, "username"), passwordEnv: text(data, "passwordEnv") }
        : undefined;
  const caFile = text(data, "caFile");
  const insecureSkipVerify = data.get("insecureSkipVerify") === "on";
  return {
    kind: "prometheus",
    url: text(data, "url"),
    query: text(data, "query"),
    timeoutSeconds: Number(data.get("timeoutSeconds")),
    ...(auth ? { auth } : {}),
    ...(caFile || insecureSkipVerify ? { tls: { ...(caFile ? { caFile } : {}), insecureSkipVerify } } : {}),
    ...(saved.headers ? { headers: saved.headers } : {}),
  };
}

/** The policy as PUT …/policy takes it, with the form's source and error limit. */
function policyFrom(data: FormData, policy: PolicyView) {
  const { metric, direction, floor, windowSeconds, evaluationIntervalSeconds, minSamples, sampleIntervalSeconds, action } = policy;
  return {
    metric,
    direction,
    floor,
    windowSeconds,
    evaluationIntervalSeconds,
    minSamples,
    sampleIntervalSeconds,
    action,
    source: sourceFrom(data, policy.source.kind === "prometheus" ? (policy.source as PrometheusConfig) : {}),
    consecutiveErrorLimit: Number(data.get("consecutiveErrorLimit")),
  };
}

/**
 * Where a policy reads its metric from, with "Test query": an OPERATOR may run the form's query
 * against the live version now (nothing is saved); an APPROVER may also save it.
 */
export function PolicySourceForm({ deployment, policy, canSave }: { deployment: string; policy: PolicyView; canSave: boolean }) {
  const ids = useId();
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const saved: PrometheusConfig = policy.source.kind === "prometheus" ? (policy.source as PrometheusConfig) : {};
  const [kind, setKind] = useState(policy.source.kind);
  const [authType, setAuthType] = useState<string>(saved.auth?.type ?? "none");
  const [result, setResult] = useState<PolicyTestResult | null>(null);
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const [running, setRunning] = useState<"test" | "save" | null>(null);
  const [, startTransition] = useTransition();

  const run = <T,>(what: "test" | "save", action: (input: unknown) => Promise<ActionResult<T>>, done: (data: T) => void) => {
    if (!form.current) return;
    const input = { deployment, policy: policyFrom(new FormData(form.current), policy) };
    setRunning(what);
    startTransition(async () => {
      const outcome = await action(input);
      setRunning(null);
      if (outcome.ok) done(outcome.data);
      else setMessage({ tone: "error", text: outcome.error.message });
    });
  };
  const onTest = () =>
    run("test", testPolicyAction, (data) => {
      setMessage(null);
      setResult(data);
    });
  const onSave = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    run("save", savePolicyAction, () => {
      setMessage({ tone: "success", text: "Source saved; the next evaluation reads it." });
      router.refresh();
    });
  };

  return (
    <form ref={form} className="stack" onSubmit={onSave} aria-label={`Metric source of ${policy.metric}`}>
      <fieldset className="row">
        <legend className="small">Read {policy.metric} from</legend>
        <label className="row">
          <input type="radio" name="kind" value="push" checked={kind === "push"} onChange={() => setKind("push")} /> Points pushed to Reversegate
        </label>
        <label className="row">
          <input type="radio" name="kind" value="prometheus" checked={kind === "prometheus"} onChange={() => setKind("prometheus")} /> Prometheus (Thanos, Mimir)
        </label>
      </fieldset>
      {kind === "prometheus" ? (
        <>
          <label className="field">
            URL
            <input className="input" name="url" type="url" required defaultValue={saved.url ?? ""} placeholder="https://prometheus.example:9090" aria-describedby={`${ids}-url`} />
            <span id={`${ids}-url`} className="hint">
              the API&apos;s base URL, with any path prefix (e.g. https://mimir.example/prometheus)
            </span>
          </label>
          <label className="field">
            Query
            <textarea className="input mono" name="query" required rows={4} defaultValue={saved.query ?? ""} placeholder={EXAMPLE_QUERY} aria-describedby={`${ids}-query`} />
            <span id={`${ids}-query`} className="hint">
              PromQL giving one series per version; {"{{version}}"} and {"{{deployment}}"} inside quoted label values are filled in and escaped
            </span>
          </label>
          <div className="form-inline">
            <label className="field">
              Authentication
              <select className="input" name="authType" value={authType} onChange={(event) => setAuthType(event.target.value)}>
                <option value="none">none</option>
                <option value="bearer">bearer token</option>
                <option value="basic">basic auth</option>
              </select>
            </label>
            {authType === "bearer" ? (
              <label className="field">
                Token variable
                <input className="input mono" name="tokenEnv" required defaultValue={saved.auth?.type === "bearer" ? saved.auth.tokenEnv : ""} placeholder="PROMETHEUS_TOKEN" />
              </label>
            ) : null}
            {authType === "basic" ? (
              <>
                <label className="field">
                  Username
                  <input className="input" name="username" required defaultValue={saved.auth?.type === "basic" ? saved.auth.username : ""} />
                </label>
                <label className="field">
                  Password variable
                  <input className="input mono" name="passwordEnv" required defaultValue={saved.auth?.type === "basic" ? saved.auth.passwordEnv : ""} placeholder="PROMETHEUS_PASSWORD" />
                </label>
              </>
            ) : null}
            <label className="field">
              Timeout (s)
              <input className="input" name="timeoutSeconds" type="number" min={1} max={120} step={1} defaultValue={saved.timeoutSeconds ?? 10} />
            </label>
          </div>
          {authType !== "none" ? <p className="small muted">Credentials are read from the named environment variable of the Reversegate server at every request; they are never stored.</p> : null}
          <div className="form-inline">
            <label className="field">
              CA file (https)
              <input className="input mono" name="caFile" defaultValue={saved.tls?.caFile ?? ""} placeholder="/etc/ssl/prometheus-ca.pem" />
            </label>
            <label className="row">
              <input type="checkbox" name="insecureSkipVerify" defaultChecked={saved.tls?.insecureSkipVerify ?? false} /> Accept any certificate (testing only)
            </label>
          </div>
        </>
      ) : null}
      <label className="field">
        Notify after this many source errors in a row
        <input className="input" name="consecutiveErrorLimit" type="number" min={1} max={1000} step={1} defaultValue={policy.consecutiveErrorLimit} />
      </label>
      <div className="row">
        <button className="button" type="button" onClick={onTest} disabled={running !== null}>
          {running === "test" ? "Testing…" : "Test query"}
        </button>
        {canSave ? (
          <button className="button primary" type="submit" disabled={running !== null}>
            {running === "save" ? "Saving…" : "Save source"}
          </button>
        ) : (
          <span className="small muted">An APPROVER can save it.</span>
        )}
      </div>
      {message ? (
        <p className={`alert ${message.tone}`} role={message.tone === "success" ? "status" : "alert"}>
          {message.text}
        </p>
      ) : null}
      <div aria-live="polite">{result ? <TestResult result={result} /> : null}</div>
    </form>
  );
}

function TestResult({ result }: { result: PolicyTestResult }) {
  return (
    <section className="stack" aria-label="Test query result" data-testid="policy-test-result">
      <p>
        <VerdictBadge verdict={result.verdict} /> {result.summary}
      </p>
      <dl className="kv small">
        <dt>Tested</dt>
        <dd>
          <Time value={result.testedAt} /> on {result.version ?? "no live version"}
        </dd>
        {result.query ? (
          <>
            <dt>Query as run</dt>
            <dd>
              <code style={{ overflowWrap: "anywhere" }}>{result.query}</code>
            </dd>
          </>
        ) : null}
        <dt>Window</dt>
        <dd>
          {result.window.from.slice(11, 19)}–{result.window.to.slice(11, 19)} UTC, a point every {result.window.stepSeconds} s
        </dd>
        <dt>Floor</dt>
        <dd>{result.floor ? `${formatNumber(result.floor.value)} — ${result.floor.source}` : `none: ${result.floorUnavailable ?? "unknown"}`}</dd>
      </dl>
      {result.seriesError ? <p className="alert error">{result.seriesError}</p> : null}
      {result.series.length === 0 && !result.seriesError ? (
        <p className="alert warn">No series found: the query matches nothing for {result.version ?? "the live version"} in the window (no data, never a breach).</p>
      ) : null}
      {result.series.length > 0 ? (
        <TableWrap label="Series found">
          <table className="table">
            <caption className="small muted">
              {result.series.length} series found{result.series.length > 1 ? " — a policy needs exactly one per version" : ""}
            </caption>
            <thead>
              <tr>
                <th scope="col">Labels</th>
                <th scope="col">Points</th>
                <th scope="col">Without value</th>
                <th scope="col">Latest</th>
              </tr>
            </thead>
            <tbody>
              {result.series.map((s) => (
                <tr key={formatLabels(s.labels)}>
                  <td className="mono">{formatLabels(s.labels)}</td>
                  <td>{s.points}</td>
                  <td>{s.withoutValue}</td>
                  <td>
                    {s.latest ? (
                      <>
                        <strong className="mono">{formatNumber(s.latest.value)}</strong> at <Time value={s.latest.ts} />
                      </>
                    ) : (
                      <span className="muted">no value (NaN or ±Inf)</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
    </section>
  );
}
