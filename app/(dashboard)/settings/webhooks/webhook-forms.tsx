"use client";

import { useState } from "react";
import { useFormAction, useRowAction } from "@/components/ui/use-action";
import { createWebhookAction, deleteWebhookAction, setWebhookEnabledAction } from "@/lib/webhooks/actions";

export function CreateWebhookForm({ events, pagerDutyUrl }: { events: string[]; pagerDutyUrl: string }) {
  const [created, setCreated] = useState<{ name: string; kind: string; secret: string | null } | null>(null);
  const [kind, setKind] = useState<"slack" | "pagerduty">("slack");
  const { onSubmit, pending, error } = useFormAction(createWebhookAction, {
    toInput: (data) =>
      kind === "pagerduty"
        ? { kind, name: data.get("name"), routingKey: data.get("routingKey"), url: data.get("url"), events: data.getAll("events") }
        : { kind, name: data.get("name"), url: data.get("url"), events: data.getAll("events") },
    onSuccess: setCreated,
  });

  return (
    <div className="stack">
      <form className="stack" onSubmit={onSubmit} aria-label="Add a destination">
        <fieldset className="row">
          <legend className="small">Kind</legend>
          <label className="row">
            <input type="radio" name="kind" value="slack" checked={kind === "slack"} onChange={() => setKind("slack")} /> Slack-compatible webhook
          </label>
          <label className="row">
            <input type="radio" name="kind" value="pagerduty" checked={kind === "pagerduty"} onChange={() => setKind("pagerduty")} /> PagerDuty (Events API v2)
          </label>
        </fieldset>
        <div className="form-inline">
          <label className="field">
            Name
            <input className="input" name="name" required placeholder={kind === "pagerduty" ? "on-call" : "incident-channel"} />
          </label>
          {kind === "pagerduty" ? (
            <>
              <label className="field">
                Routing key
                <input className="input" name="routingKey" type="password" required autoComplete="off" placeholder="32-character integration key" size={36} />
              </label>
              <label className="field">
                Events API URL
                <input key="pagerduty-url" className="input" name="url" type="url" required defaultValue={pagerDutyUrl} size={36} />
              </label>
            </>
          ) : (
            <label className="field">
              URL
              <input key="slack-url" className="input" name="url" type="url" required placeholder="https://hooks.slack.com/services/…" size={48} />
            </label>
          )}
        </div>
        <fieldset className="row">
          <legend className="small muted">Events (none ticked: all)</legend>
          {events.map((name) => (
            <label key={name} className="row small">
              <input type="checkbox" name="events" value={name} /> {name}
            </label>
          ))}
        </fieldset>
        <div>
          <button className="button primary" type="submit" disabled={pending}>
            {pending ? "Adding…" : kind === "pagerduty" ? "Add PagerDuty destination" : "Add webhook"}
          </button>
        </div>
      </form>
      {error ? <p className="alert error" role="alert">{error}</p> : null}
      {created?.secret ? (
        <div className="alert success" role="status">
          <p>
            Webhook <strong>{created.name}</strong> added. Its signing secret is shown once; give it to the receiver:
          </p>
          <p className="secret">{created.secret}</p>
        </div>
      ) : created ? (
        <p className="alert success" role="status">
          PagerDuty destination <strong>{created.name}</strong> added. Its routing key is stored and will not be shown again.
        </p>
      ) : null}
    </div>
  );
}

export function WebhookRowActions({ webhookId, name, enabled }: { webhookId: string; name: string; enabled: boolean }) {
  const { run, pending, error } = useRowAction();
  return (
    <>
      <button className="button" type="button" disabled={pending} aria-label={`${enabled ? "Disable" : "Enable"} webhook ${name}`} onClick={() => run(() => setWebhookEnabledAction({ webhookId, enabled: !enabled }))}>
        {enabled ? "Disable" : "Enable"}
      </button>
      <button className="button" type="button" disabled={pending} aria-label={`Delete webhook ${name}`} onClick={() => run(() => deleteWebhookAction({ webhookId }))}>
        Delete
      </button>
      {error ? <span className="badge bad" role="alert">{error}</span> : null}
    </>
  );
}
