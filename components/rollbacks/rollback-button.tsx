"use client";

import { useRouter } from "next/navigation";
import { useId, useRef, useState, useTransition, type FormEvent } from "react";
import type { RollbackPreview } from "@/lib/rollbacks/rollback-preview";
import { callApi } from "./rollback-queries";

const PART_LABELS: Record<string, string> = {
  weights: "model weights",
  prompt: "prompt template",
  vectorIndex: "vector index snapshot",
  agentMemory: "agent memory checkpoint",
  sharedContext: "shared-context epoch",
  extras: "extra state",
};

/**
 * The one-click rollback: opens a native modal dialog (focus stays inside, Esc closes) that says
 * exactly what will happen and asks for the deployment's slug before anything is requested.
 */
export function RollbackButton({ preview, detectionId, label = "Roll back" }: { preview: RollbackPreview; detectionId?: string; label?: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const ids = useId();
  const [mode, setMode] = useState<"instant" | "ramp">(preview.defaultMode);
  const [typed, setTyped] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  // One key per opening of the dialog: a double submit or a retried request makes one rollback.
  const [idempotencyKey, setIdempotencyKey] = useState("");
  const { fromVersion: from, toVersion: to } = preview;
  const disabled = preview.blockedReason !== null || !from || !to;
  const skipped = preview.skipped[mode];

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
        const created = await callApi<{ id: string }>(`/api/v1/deployments/${encodeURIComponent(preview.deployment)}/rollbacks`, {
          body: { mode, reason, detectionId },
          headers: { "idempotency-key": idempotencyKey },
        });
        dialog.current?.close();
        router.push(`/rollbacks/${created.id}`);
      } catch (thrown) {
        setError(thrown instanceof Error ? thrown.message : String(thrown));
      }
    });
  }

  return (
    <>
      <button className="button danger" type="button" onClick={open} disabled={disabled} title={preview.blockedReason ?? undefined}>
        {label}
        {from && to ? ` ${from} → ${to}` : ""}
      </button>
      {preview.blockedReason ? <span className="small muted">{preview.blockedReason}</span> : null}
      <dialog ref={dialog} aria-labelledby={`${ids}-title`} className="card" style={{ maxWidth: 560, width: "100%" }}>
        <form className="stack" onSubmit={submit}>
          <h2 id={`${ids}-title`}>
            Roll back {preview.deployment} from {from} to {to}
          </h2>
          <ul className="stack small" style={{ margin: 0, paddingLeft: "1.1rem" }}>
            <li>
              The prior pinned version <strong>{to}</strong> is deployed again through the {preview.serving.label} at <code>{preview.serving.target}</code>;{" "}
              <strong>{from}</strong> leaves traffic and is marked rolled back.
            </li>
            <li>
              State that changes with it: {preview.changedParts.length > 0 ? preview.changedParts.map((part) => PART_LABELS[part] ?? part).join(", ") : "nothing besides the pinned reference"}.
              {preview.splitBrainParts.length > 0 ? (
                <strong> Warning: {preview.splitBrainParts.map((part) => PART_LABELS[part] ?? part).join(" and ")} would stay on {from}&apos;s state.</strong>
              ) : null}
            </li>
            {preview.serving.capabilities.consumerInvalidation ? <li>Consumers are told to drop state cached against {from} and must acknowledge.</li> : null}
            <li>Approval: {preview.approval}.</li>
          </ul>
          {skipped.length > 0 ? (
            <div className="alert warn small" data-testid="rollback-skips">
              <p style={{ margin: 0 }}>This serving backend cannot do everything; the rollback will skip:</p>
              <ul style={{ margin: 0, paddingLeft: "1.1rem" }}>
                {skipped.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </div>
          ) : null}
          <fieldset className="row">
            <legend className="small">How traffic moves</legend>
            {preview.modes.includes("instant") ? (
              <label className="row">
                <input type="radio" name="mode" value="instant" checked={mode === "instant"} onChange={() => setMode("instant")} /> Instant: all traffic to {to} at once
              </label>
            ) : null}
            {preview.modes.includes("ramp") ? (
              <label className="row">
                <input type="radio" name="mode" value="ramp" checked={mode === "ramp"} onChange={() => setMode("ramp")} /> Ramp: {preview.rampStages.join("% → ")}% with{" "}
                {preview.rampDwellSeconds} s of canary watch between stages
              </label>
            ) : null}
            {preview.modes.length < 2 ? <p className="small muted">This serving backend {preview.modes.includes("ramp") ? "cannot move all traffic at once" : "cannot split traffic, so it cannot ramp"}.</p> : null}
          </fieldset>
          <label className="field">
            Reason
            <textarea className="input" required value={reason} onChange={(e) => setReason(e.target.value)} rows={2} placeholder="canary accuracy 0.81, below the 0.88 floor for 6 h" />
          </label>
          <label className="field">
            Type <code>{preview.deployment}</code> to confirm
            <input className="input" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} />
          </label>
          {error ? (
            <p className="alert error" role="alert">
              {error}
            </p>
          ) : null}
          <div className="row">
            <button className="button danger" type="submit" disabled={pending || typed !== preview.deployment || reason.trim() === ""}>
              {pending ? "Requesting…" : `Request rollback to ${to}`}
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
