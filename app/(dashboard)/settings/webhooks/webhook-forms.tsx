"use client";

import { useState, useTransition, type FormEvent } from "react";
import { createWebhookAction, deleteWebhookAction, setWebhookEnabledAction } from "@/lib/webhooks/actions";

export function CreateWebhookForm({ events }: { events: string[] }) {
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const input = { name: data.get("name"), url: data.get("url"), events: data.getAll("events") };
    startTransition(async () => {
      const result = await createWebhookAction(input);
      if (result.ok) {
        setCreated(result.data);
        setError(null);
        form.reset();
      } else {
        setError(result.error.message);
      }
    });
  }

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
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const run = (action: () => Promise<{ ok: boolean; error?: { message: string } }>) =>
    startTransition(async () => {
      const result = await action();
      setError(result.ok ? null : (result.error?.message ?? "failed"));
    });
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
