"use client";

import { useState } from "react";
import { useFormAction, useRowAction } from "@/components/ui/use-action";
import { createWebhookAction, deleteWebhookAction, setWebhookEnabledAction } from "@/lib/webhooks/actions";

export function CreateWebhookForm({ events }: { events: string[] }) {
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const { onSubmit, pending, error } = useFormAction(createWebhookAction, {
    toInput: (data) => ({ name: data.get("name"), url: data.get("url"), events: data.getAll("events") }),
    onSuccess: setCreated,
  });

  return (
    <div className="stack">
      <form className="stack" onSubmit={onSubmit} aria-label="Add a webhook">
        <div className="form-inline">
          <label className="field">
            Name
            <input className="input" name="name" required placeholder="incident-channel" />
          </label>
          <label className="field">
            URL
            <input className="input" name="url" type="url" required placeholder="https://hooks.slack.com/services/…" size={48} />
          </label>
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
            {pending ? "Adding…" : "Add webhook"}
          </button>
        </div>
      </form>
      {error ? <p className="alert error" role="alert">{error}</p> : null}
      {created ? (
        <div className="alert success" role="status">
          <p>
            Webhook <strong>{created.name}</strong> added. Its signing secret is shown once; give it to the receiver:
          </p>
          <p className="secret">{created.secret}</p>
        </div>
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
