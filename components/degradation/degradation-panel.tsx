"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useRef, useState, useTransition, type FormEvent } from "react";
import { callApi } from "@/components/rollbacks/rollback-queries";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import type { DegradationView } from "@/lib/degradation/schemas";
import { polling } from "@/lib/polling";
import type { DegradationLevel } from "@/lib/serving/degradation";
import { LEVEL_TONE } from "./tones";

type Level = DegradationView["levels"][number];

const degradationUrl = (deployment: string) => `/api/v1/deployments/${encodeURIComponent(deployment)}/degradation`;

/**
 * Graduated degradation on the deployment page: the level, who set it and why, what the serving
 * plane reports (polled, so the effect shows without a reload), and for an OPERATOR the levels the
 * backend offers. Degrading asks for a reason and the typed slug; returning to normal is one click.
 */
export function DegradationPanel({ deployment, initial, canChange }: { deployment: string; initial: DegradationView; canChange: boolean }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const query = useQuery({
    queryKey: ["degradation", deployment],
    queryFn: () => callApi<DegradationView>(degradationUrl(deployment)),
    initialData: initial,
    // A change made here refreshes at once; the poll only catches others' changes and the serving
    // plane's report, at the chart's pace: every 2 s it was most of an incident room's requests.
    ...polling<DegradationView>(10_000),
  });
  const view = query.data;
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const changed = async () => {
    await queryClient.invalidateQueries({ queryKey: ["degradation", deployment] });
    router.refresh();
  };

  function returnToNormal() {
    setError(null);
    startTransition(async () => {
      try {
        await callApi(degradationUrl(deployment), { method: "PUT", body: { level: "normal" }, headers: { "idempotency-key": crypto.randomUUID() } });
        await changed();
      } catch (thrown) {
        setError(thrown instanceof Error ? thrown.message : String(thrown));
      }
    });
  }

  const current = view.levels.find((l) => l.level === view.level);
  return (
    <section className="card stack" aria-labelledby="degradation-heading" data-testid="degradation-panel">
      <h2 id="degradation-heading">Degradation</h2>
      <dl className="kv">
        <dt>Level</dt>
        <dd data-testid="degradation-level">
          <Badge tone={LEVEL_TONE[view.level]}>{view.level}</Badge> {current ? <span className="small">{current.description}</span> : null}
        </dd>
        {view.level !== "normal" || view.setBy ? (
          <>
            <dt>Set by</dt>
            <dd>
              {view.setBy ?? "—"}
              {view.since ? (
                <span className="small">
                  {" "}
                  · <Time value={view.since} />
                </span>
              ) : null}
              {view.reason ? <span className="small"> · {view.reason}</span> : null}
            </dd>
          </>
        ) : null}
        <dt>Serving plane reports</dt>
        <dd data-testid="degradation-serving">
          {view.serving.reachable ? (
            <>
              <Badge tone={LEVEL_TONE[view.serving.level]}>{view.serving.level}</Badge>
              {view.serving.servedBy ? <span className="small"> served by {view.serving.servedBy}</span> : <span className="small"> the live version answers</span>}
            </>
          ) : (
            <span className="muted small">{view.serving.error}</span>
          )}
        </dd>
      </dl>
      {!view.supported ? (
        <p className="muted small" data-testid="degradation-unsupported">
          This deployment cannot be degraded: {view.unsupportedReason}.
        </p>
      ) : canChange ? (
        <div className="row">
          {view.level !== "normal" ? (
            <button className="button primary" type="button" onClick={returnToNormal} disabled={pending}>
              {pending ? "Returning…" : "Return to normal"}
            </button>
          ) : null}
          {view.levels
            .filter((l) => l.level !== "normal" && l.level !== view.level)
            .map((l) => (
              <DegradeButton key={l.level} deployment={deployment} level={l} onChanged={changed} />
            ))}
        </div>
      ) : (
        <p className="small muted">An OPERATOR can change the level.</p>
      )}
      {error ? (
        <p className="alert error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}

function DegradeButton({ deployment, level, onChanged }: { deployment: string; level: Level; onChanged: () => Promise<void> }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const ids = useId();
  const [typed, setTyped] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  // One key per opening of the dialog: a double submit or a retried request changes the level once.
  const [idempotencyKey, setIdempotencyKey] = useState("");

  function open() {
    setTyped("");
    setError(null);
    setIdempotencyKey(crypto.randomUUID());
    dialog.current?.showModal();
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      try {
        await callApi(degradationUrl(deployment), { method: "PUT", body: { level: level.level satisfies DegradationLevel, reason }, headers: { "idempotency-key": idempotencyKey } });
        dialog.current?.close();
        await onChanged();
      } catch (thrown) {
        setError(thrown instanceof Error ? thrown.message : String(thrown));
      }
    });
  }

  return (
    <>
      <button className="button danger" type="button" onClick={open}>
        Degrade to {level.level}
      </button>
      <dialog ref={dialog} aria-labelledby={`${ids}-title`} className="card" style={{ maxWidth: 560, width: "100%" }}>
        <form className="stack" onSubmit={submit}>
          <h2 id={`${ids}-title`}>
            Degrade {deployment} to {level.level}
          </h2>
          <p className="small">
            {level.description}
            {level.disables.length > 0 ? <> (turns off: {level.disables.join(", ")})</> : null}. It takes effect at once, with no approval; returning to normal is one click.
          </p>
          <label className="field">
            Reason
            <textarea className="input" required value={reason} onChange={(e) => setReason(e.target.value)} rows={2} placeholder="canary below the floor while the rollback waits for approval" />
          </label>
          <label className="field">
            Type <code>{deployment}</code> to confirm
            <input className="input" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} />
          </label>
          {error ? (
            <p className="alert error" role="alert">
              {error}
            </p>
          ) : null}
          <div className="row">
            <button className="button danger" type="submit" disabled={pending || typed !== deployment || reason.trim() === ""}>
              {pending ? "Degrading…" : `Serve at ${level.level} now`}
            </button>
            <button className="button" type="button" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
