"use client";

import { useId } from "react";
import { useSaveForm } from "@/components/ui/use-action";
import { saveRollbackPlanAction } from "@/lib/deployments/actions";
import type { RollbackPlanView } from "@/lib/deployments/rollback-plan";
import type { TrafficMode } from "@/lib/serving/capabilities";

/** An empty field is "no target" (null); anything else is sent as a number for the server to check. */
const optionalSeconds = (value: FormDataEntryValue | null) => (value === null || String(value).trim() === "" ? null : Number(value));

/** "10, 50, 100" or "10 → 100%" as numbers; anything unreadable stays NaN for the server to name. */
const parseStages = (text: string) =>
  text
    .split(/[\s,→%>-]+/)
    .filter(Boolean)
    .map(Number);

export function RollbackPlanForm({ deployment, plan, consumers, modes }: { deployment: string; plan: RollbackPlanView; consumers: string[]; modes: TrafficMode[] }) {
  const ids = useId();
  const { onSubmit, pending, message } = useSaveForm(saveRollbackPlanAction, {
    toInput: (data) => ({
      deployment,
      mode: data.get("mode"),
      rampStages: parseStages(String(data.get("rampStages") ?? "")),
      rampDwellSeconds: Number(data.get("rampDwellSeconds")),
      requireDistinctApprover: data.get("requireDistinctApprover") === "on",
      blockOnUnacknowledged: data.get("blockOnUnacknowledged") === "on",
      blockingConsumers: data.getAll("blockingConsumers").map(String),
      sloRollbackSeconds: optionalSeconds(data.get("sloRollbackSeconds")),
      sloDetectSeconds: optionalSeconds(data.get("sloDetectSeconds")),
    }),
    saved: "Rollback plan saved; the next rollback follows it.",
  });

  return (
    <form className="stack" onSubmit={onSubmit} aria-label={`Rollback plan of ${deployment}`}>
      <fieldset className="row">
        <legend className="small">Default traffic mode</legend>
        <label className="row">
          <input type="radio" name="mode" value="instant" defaultChecked={plan.mode === "instant"} disabled={!modes.includes("instant")} /> Instant
        </label>
        <label className="row">
          <input type="radio" name="mode" value="ramp" defaultChecked={plan.mode === "ramp"} disabled={!modes.includes("ramp")} /> Ramp
        </label>
        {modes.length < 2 ? <span className="small muted">The serving backend can do only {modes.join(" and ") || "neither"}.</span> : null}
      </fieldset>
      <div className="form-inline">
        <label className="field">
          Ramp stages (%)
          <input className="input" name="rampStages" defaultValue={plan.rampStages.join(", ")} aria-describedby={`${ids}-stages`} />
          <span id={`${ids}-stages`} className="small muted">
            increasing, ending at 100, e.g. 10, 50, 100
          </span>
        </label>
        <label className="field">
          Dwell per stage (s)
          <input className="input" name="rampDwellSeconds" type="number" min={0} max={86_400} step={1} defaultValue={plan.rampDwellSeconds} />
        </label>
      </div>
      <label className="row">
        <input type="checkbox" name="requireDistinctApprover" defaultChecked={plan.requireDistinctApprover} /> The approver must be someone other than the requester
      </label>
      <label className="row">
        <input type="checkbox" name="blockOnUnacknowledged" defaultChecked={plan.blockOnUnacknowledged} /> Any consumer that does not acknowledge fails the rollback
      </label>
      <fieldset className="form-inline">
        <legend className="small">Rollback SLO (empty: no target)</legend>
        <label className="field">
          Target time to roll back (s)
          <input className="input" name="sloRollbackSeconds" type="number" min={1} max={86_400} step={1} defaultValue={plan.sloRollbackSeconds ?? ""} aria-describedby={`${ids}-slo`} />
          <span id={`${ids}-slo`} className="small muted">
            readiness turns amber above 80 % of it, red above it
          </span>
        </label>
        <label className="field">
          Target time to detect (s)
          <input className="input" name="sloDetectSeconds" type="number" min={1} max={86_400} step={1} defaultValue={plan.sloDetectSeconds ?? ""} />
        </label>
      </fieldset>
      {consumers.length > 0 ? (
        <fieldset className="row">
          <legend className="small">Consumers that must always acknowledge</legend>
          {consumers.map((name) => (
            <label key={name} className="row small">
              <input type="checkbox" name="blockingConsumers" value={name} defaultChecked={plan.blockingConsumers.includes(name)} /> {name}
            </label>
          ))}
        </fieldset>
      ) : null}
      <div>
        <button className="button primary" type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save rollback plan"}
        </button>
      </div>
      {message ? (
        <p className={`alert ${message.tone}`} role={message.tone === "success" ? "status" : "alert"}>
          {message.text}
        </p>
      ) : null}
    </form>
  );
}
