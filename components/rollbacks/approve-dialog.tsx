"use client";

import { useId, useRef, useState, useTransition, type FormEvent } from "react";
import type { RollbackView } from "@/lib/rollbacks/rollback-views";

/**
 * Approving runs the rollback at once, so it asks first: what will happen, an optional note, and
 * for a ramp the choice to move all traffic at once instead (recorded with the approval).
 */
export function ApproveButton({ view, approve, disabled }: { view: RollbackView; approve: (body: { note?: string; mode?: "instant" }) => Promise<boolean>; disabled: boolean }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const ids = useId();
  const [instant, setInstant] = useState(false);
  const [note, setNote] = useState("");
  const [pending, startTransition] = useTransition();
  const ramp = view.mode === "ramp";

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      const done = await approve({ ...(note.trim() ? { note: note.trim() } : {}), ...(ramp && instant ? { mode: "instant" as const } : {}) });
      if (done) dialog.current?.close();
    });
  }

  return (
    <>
      <button
        className="button primary"
        type="button"
        disabled={disabled}
        onClick={() => {
          setInstant(false);
          dialog.current?.showModal();
        }}
      >
        Approve rollback to {view.toVersion}
      </button>
      <dialog ref={dialog} aria-labelledby={`${ids}-title`} className="card" style={{ maxWidth: 560, width: "100%" }}>
        <form className="stack" onSubmit={submit}>
          <h2 id={`${ids}-title`}>
            Approve the rollback of {view.deployment} from {view.fromVersion} to {view.toVersion}?
          </h2>
          <p style={{ margin: 0 }}>
            It starts at once:{" "}
            {ramp && !instant
              ? `traffic moves to ${view.toVersion} in stages of ${view.rampStages.join("% → ")}%, with ${view.rampDwellSeconds} s of canary watch between them.`
              : `all traffic moves to ${view.toVersion} in one step.`}
          </p>
          {ramp ? (
            <label className="row">
              <input type="checkbox" checked={instant} onChange={(e) => setInstant(e.target.checked)} /> Switch to instant: move all traffic to {view.toVersion} at once
            </label>
          ) : null}
          <label className="field">
            Note for the record (optional)
            <textarea className="input" rows={2} value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
          </label>
          <div className="row">
            <button className="button primary" type="submit" disabled={pending}>
              {pending ? "Approving…" : instant && ramp ? `Approve as instant` : "Confirm approval"}
            </button>
            <button className="button" type="button" onClick={() => dialog.current?.close()}>
              Keep waiting
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
