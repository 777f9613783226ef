"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { statusLabel } from "@/components/registry/tones";
import {
  addActionItemAction,
  advanceGateAdditionAction,
  approvePostmortemAction,
  correctTimestampAction,
  requestChangesAction,
  savePostmortemAction,
  submitPostmortemAction,
  transitionActionItemAction,
} from "@/lib/postmortems/actions";
import { REQUIRED_FIELD_LABELS, requiredFieldLabel, reviewFieldId } from "@/lib/postmortems/field-labels";

type Outcome = { ok: true; data: unknown } | { ok: false; error: { message: string } };
type Message = { tone: "error" | "success"; text: string } | null;

/**
 * Runs a server action and keeps its outcome on screen. With `revision` (what the postmortem
 * looks like now), a refusal is dropped once the postmortem changes, e.g. when a save supplied
 * the fields a submit was refused for.
 */
function useAction(revision?: string) {
  const router = useRouter();
  const [outcome, setOutcome] = useState<{ message: Message; revision?: string }>({ message: null });
  const [pending, startTransition] = useTransition();
  const run = (action: () => Promise<Outcome>, success: string | ((data: unknown) => string)) =>
    startTransition(async () => {
      const result = await action();
      if (result.ok) {
        setOutcome({ message: { tone: "success", text: typeof success === "string" ? success : success(result.data) }, revision });
        router.refresh();
      } else {
        setOutcome({ message: { tone: "error", text: result.error.message }, revision });
      }
    });
  const stale = outcome.message?.tone === "error" && outcome.revision !== revision;
  return { message: stale ? null : outcome.message, pending, run };
}

function Feedback({ message }: { message: Message }) {
  if (!message) return null;
  return (
    <p className={`alert ${message.tone}`} role={message.tone === "error" ? "alert" : "status"}>
      {message.text}
    </p>
  );
}

export type EditableFields = {
  title: string;
  severity: string;
  summary: string;
  whatHappened: string;
  impact: string;
  impactTrafficShare: number | null;
  requestsAffected: number | null;
  trigger: string;
  contributingFactors: string;
  detectionSignal: string;
  missedCheckSuite: string;
  missedCheckReason: string | null;
  missedCheckDetail: string;
  lessons: string;
  gateAdditionDescription: string;
  gateAdditionSuite: string;
};

const TEXT_AREAS: [keyof EditableFields, string, string][] = [
  ["summary", REQUIRED_FIELD_LABELS.summary, "What happened, in two sentences."],
  ["whatHappened", REQUIRED_FIELD_LABELS.whatHappened, "Its behaviour in production, as users met it."],
  ["impact", REQUIRED_FIELD_LABELS.impact, "Who was affected and how."],
  ["trigger", REQUIRED_FIELD_LABELS.trigger, "What in the live traffic set it off."],
  ["contributingFactors", "Contributing factors", ""],
  ["detectionSignal", REQUIRED_FIELD_LABELS.detectionSignal, "The metric and floor that caught it."],
];

/** The review's missing fields by their labels, each a link that takes the reader to the field. */
export function MissingFields({ fields }: { fields: readonly string[] }) {
  return (
    <p className="small" data-testid="missing-fields">
      Fill in before review:{" "}
      {fields.map((path, index) => (
        <span key={path}>
          {index > 0 ? ", " : null}
          <a
            href={`#${reviewFieldId(path)}`}
            onClick={(event) => {
              const field = document.getElementById(reviewFieldId(path));
              if (!field) return;
              event.preventDefault();
              field.scrollIntoView({ block: "center" });
              field.focus();
            }}
          >
            {requiredFieldLabel(path)}
          </a>
        </span>
      ))}
    </p>
  );
}

const REASONS = [
  ["MISSING_CATEGORY", "Missing category"],
  ["LOOSE_THRESHOLD", "Loose threshold"],
  ["UNREPRESENTATIVE_DATA", "Unrepresentative data"],
  ["NOT_RUN", "Not run"],
] as const;

/** Every reviewer field in one form; only changed fields are saved. */
export function ReviewForm({ id, fields, editable, gateLocked }: { id: string; fields: EditableFields; editable: boolean; gateLocked: boolean }) {
  const { message, pending, run } = useAction();
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => String(data.get(name) ?? "");
    const number = (name: string) => (text(name).trim() === "" ? null : Number(text(name)));
    const share = number("impactTrafficPercent");
    const input = {
      id,
      title: text("title"),
      severity: text("severity"),
      ...Object.fromEntries(TEXT_AREAS.map(([name]) => [name, text(name)])),
      impactTrafficShare: share === null ? null : share / 100,
      requestsAffected: number("requestsAffected"),
      missedCheckSuite: text("missedCheckSuite"),
      missedCheckReason: text("missedCheckReason") || null,
      missedCheckDetail: text("missedCheckDetail"),
      lessons: text("lessons"),
      ...(gateLocked ? {} : { gateAdditionDescription: text("gateAdditionDescription"), gateAdditionSuite: text("gateAdditionSuite") }),
    };
    run(() => savePostmortemAction(input), (data) => {
      const changed = (data as { changed: string[] }).changed;
      return changed.length === 0 ? "Nothing changed." : `Saved: ${changed.join(", ")}.`;
    });
  }
  return (
    <form className="form form-wide stack" onSubmit={onSubmit} aria-label="Postmortem review form">
      <fieldset disabled={!editable || pending} className="stack bare">
        <label className="field">
          Title
          <input className="input" name="title" defaultValue={fields.title} required maxLength={200} />
        </label>
        <label className="field">
          Severity
          <select className="input" name="severity" defaultValue={fields.severity}>
            {["SEV1", "SEV2", "SEV3", "SEV4"].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        {TEXT_AREAS.map(([name, label, hint]) => (
          <label className="field" key={name}>
            {label}
            {hint ? <span className="small muted">{hint}</span> : null}
            <textarea className="input" id={reviewFieldId(name)} name={name} rows={5} defaultValue={String(fields[name] ?? "")} />
          </label>
        ))}
        <div className="form-inline">
          <label className="field">
            Share of traffic affected (%)
            <input className="input" name="impactTrafficPercent" type="number" min={0} max={100} step="any" defaultValue={fields.impactTrafficShare === null ? "" : Number((fields.impactTrafficShare * 100).toPrecision(12))} />
          </label>
          <label className="field">
            Requests affected
            <input className="input" name="requestsAffected" type="number" min={0} step={1} defaultValue={fields.requestsAffected ?? ""} />
          </label>
        </div>
        <fieldset className="stack">
          <legend>The missed offline check</legend>
          <label className="field">
            {REQUIRED_FIELD_LABELS["missedCheck.suite"]}
            <input className="input" id={reviewFieldId("missedCheck.suite")} name="missedCheckSuite" defaultValue={fields.missedCheckSuite} />
          </label>
          <label className="field">
            {REQUIRED_FIELD_LABELS["missedCheck.reason"]}
            <select className="input" id={reviewFieldId("missedCheck.reason")} name="missedCheckReason" defaultValue={fields.missedCheckReason ?? ""}>
              <option value="">Choose…</option>
              {REASONS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            {REQUIRED_FIELD_LABELS["missedCheck.detail"]}
            <textarea className="input" id={reviewFieldId("missedCheck.detail")} name="missedCheckDetail" rows={3} defaultValue={fields.missedCheckDetail} />
          </label>
        </fieldset>
        <fieldset className="stack">
          <legend>The gate addition</legend>
          {gateLocked ? <p className="small muted">The gate addition is past PROPOSED; its description is final.</p> : null}
          <label className="field">
            {REQUIRED_FIELD_LABELS["gateAddition.description"]}
            <textarea
              className="input"
              id={reviewFieldId("gateAddition.description")}
              name="gateAdditionDescription"
              rows={3}
              defaultValue={fields.gateAdditionDescription}
              disabled={gateLocked}
            />
          </label>
          <label className="field">
            Gate addition suite
            <input className="input" name="gateAdditionSuite" defaultValue={fields.gateAdditionSuite} disabled={gateLocked} />
          </label>
        </fieldset>
        <label className="field">
          Lessons
          <textarea className="input" name="lessons" rows={5} defaultValue={fields.lessons} />
        </label>
        <div className="row">
          <button className="button primary" type="submit">
            {pending ? "Saving…" : "Save postmortem"}
          </button>
        </div>
      </fieldset>
      <Feedback message={message} />
    </form>
  );
}

/** Submit (OPERATOR, from DRAFT), approve or request changes (APPROVER, from IN_REVIEW). */
export function ReviewActions({ id, status, canEdit, canReview, revision }: { id: string; status: string; canEdit: boolean; canReview: boolean; revision: string }) {
  const { message, pending, run } = useAction(revision);
  const [comment, setComment] = useState("");
  return (
    <div className="stack">
      {status === "DRAFT" && canEdit ? (
        <div className="row">
          <button className="button primary" type="button" disabled={pending} onClick={() => run(() => submitPostmortemAction({ id }), "Submitted for review.")}>
            Submit for review
          </button>
        </div>
      ) : null}
      {status === "IN_REVIEW" && canReview ? (
        <div className="stack">
          <label className="field">
            Review comment
            <textarea className="input" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
          </label>
          <div className="row">
            <button className="button primary" type="button" disabled={pending} onClick={() => run(() => approvePostmortemAction({ id, comment }), "Approved.")}>
              Approve
            </button>
            <button className="button" type="button" disabled={pending} onClick={() => run(() => requestChangesAction({ id, comment }), "Sent back to draft.")}>
              Request changes
            </button>
          </div>
        </div>
      ) : null}
      {status === "IN_REVIEW" && !canReview ? <p className="small muted">Waiting for an APPROVER who is not the only author.</p> : null}
      <Feedback message={message} />
    </div>
  );
}

const TIMESTAMP_FIELDS = [
  ["badVersionLiveFrom", "Bad version went live"],
  ["impactStartedAt", "Impact started"],
  ["detectedAt", "Detected"],
  ["rollbackRequestedAt", "Rollback requested"],
  ["approvedAt", "Approved"],
  ["completedAt", "Rollback completed"],
] as const;

/** Corrects one timestamp with a reason; an out-of-order time needs explicit confirmation. */
export function TimestampCorrectionForm({ id }: { id: string }) {
  const { message, pending, run } = useAction();
  const [confirm, setConfirm] = useState(false);
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const local = String(data.get("value") ?? "");
    const input = {
      id,
      field: String(data.get("field")),
      // The input is entered in UTC, so it is read as UTC whatever the browser's zone.
      value: local ? (local.length === 16 ? `${local}:00Z` : `${local}Z`) : "",
      reason: String(data.get("reason") ?? ""),
      acknowledgeWarnings: confirm,
    };
    run(() => correctTimestampAction(input), (result) => {
      const warnings = (result as { warnings: string[] }).warnings;
      return warnings.length === 0 ? "Corrected." : `Corrected, with warnings: ${warnings.join("; ")}.`;
    });
  }
  return (
    <form className="form-inline" onSubmit={onSubmit} aria-label="Correct a timestamp">
      <label className="field">
        Timestamp
        <select className="input" name="field">
          {TIMESTAMP_FIELDS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        Corrected time (UTC)
        <input className="input" name="value" type="datetime-local" step={1} required />
      </label>
      <label className="field">
        Why
        <input className="input" name="reason" required minLength={3} />
      </label>
      <label className="field">
        <span>
          <input type="checkbox" checked={confirm} onChange={(e) => setConfirm(e.target.checked)} /> Save even if out of order
        </span>
      </label>
      <button className="button" type="submit" disabled={pending}>
        Correct timestamp
      </button>
      <div style={{ width: "100%" }}>
        <Feedback message={message} />
      </div>
    </form>
  );
}

const NEXT_GATE: Record<string, string | undefined> = { PROPOSED: "IMPLEMENTED", IMPLEMENTED: "ENFORCED" };

export function GateAdditionControls({ id, status, canAdvance }: { id: string; status: string; canAdvance: boolean }) {
  const { message, pending, run } = useAction();
  const next = NEXT_GATE[status];
  if (!next || !canAdvance) return null;
  return (
    <div className="stack">
      <div className="row">
        <button className="button" type="button" disabled={pending} onClick={() => run(() => advanceGateAdditionAction({ id, status: next }), `Gate addition ${next}.`)}>
          Mark {next.toLowerCase()}
        </button>
      </div>
      <Feedback message={message} />
    </div>
  );
}

export function AddActionItemForm({ id, users, defaultDue }: { id: string; users: { id: string; name: string }[]; defaultDue: string }) {
  const { message, pending, run } = useAction();
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const due = String(data.get("dueDate") ?? "");
    run(
      () => addActionItemAction({ id, type: data.get("type"), title: data.get("title"), ownerId: data.get("ownerId"), ...(due ? { dueDate: `${due}T00:00:00Z` } : {}) }),
      "Action item added.",
    );
    form.reset();
  }
  return (
    <form className="form-inline" onSubmit={onSubmit} aria-label="Add an action item">
      <label className="field">
        Type
        <select className="input" name="type" defaultValue="PREVENT">
          {["PREVENT", "DETECT", "MITIGATE", "PROCESS"].map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </label>
      <label className="field">
        Action
        <input className="input" name="title" required maxLength={500} />
      </label>
      <label className="field">
        Owner
        <select className="input" name="ownerId" required>
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        Due (UTC; default from severity: {defaultDue})
        <input className="input" name="dueDate" type="date" />
      </label>
      <button className="button" type="submit" disabled={pending}>
        Add action item
      </button>
      <div style={{ width: "100%" }}>
        <Feedback message={message} />
      </div>
    </form>
  );
}

const MOVES: Record<string, string[]> = { OPEN: ["IN_PROGRESS", "DONE", "WONT_DO"], IN_PROGRESS: ["OPEN", "DONE", "WONT_DO"], DONE: ["OPEN"], WONT_DO: ["OPEN"] };

export function ActionItemControls({ id, actionItemId, title, status }: { id: string; actionItemId: string; title: string; status: string }) {
  const { message, pending, run } = useAction();
  const [reason, setReason] = useState("");
  return (
    <div className="stack">
      <div className="row">
        {(MOVES[status] ?? []).map((to) => (
          <button
            key={to}
            className="button"
            type="button"
            disabled={pending}
            aria-label={`Mark "${title}" ${to.replace("_", " ").toLowerCase()}`}
            onClick={() => run(() => transitionActionItemAction({ id, actionItemId, status: to, ...(to === "WONT_DO" ? { reason } : {}) }), `Now ${statusLabel(to).toLowerCase()}.`)}
          >
            {to === "OPEN" ? "Reopen" : to.replace("_", " ").toLowerCase()}
          </button>
        ))}
        {status === "OPEN" || status === "IN_PROGRESS" ? (
          <input className="input" aria-label={`Reason if "${title}" will not be done`} placeholder="reason for won't do" value={reason} onChange={(e) => setReason(e.target.value)} />
        ) : null}
      </div>
      <Feedback message={message} />
    </div>
  );
}
