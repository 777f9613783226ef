"use client";

import { useState, useTransition, type FormEvent } from "react";
import { createTokenAction, revokeTokenAction } from "@/lib/users/actions";

export function CreateTokenForm() {
  const [created, setCreated] = useState<{ token: string; name: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = Object.fromEntries(new FormData(form));
    startTransition(async () => {
      const result = await createTokenAction(data);
      if (result.ok) {
        setCreated({ token: result.data.token, name: result.data.name });
        setError(null);
        form.reset();
      } else {
        setError(result.error.message);
      }
    });
  }

  return (
    <div className="stack">
      <form className="form-inline" onSubmit={onSubmit} aria-label="Create a token">
        <label className="field">
          Name
          <input className="input" name="name" required placeholder="promotion-ci" />
        </label>
        <label className="field">
          Role
          <select className="input" name="role" defaultValue="OPERATOR">
            <option>VIEWER</option>
            <option>OPERATOR</option>
            <option>APPROVER</option>
            <option>ADMIN</option>
          </select>
        </label>
        <button className="button primary" type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create token"}
        </button>
      </form>
      {error ? <p className="alert error" role="alert">{error}</p> : null}
      {created ? (
        <div className="alert success" role="status">
          <p>
            Token <strong>{created.name}</strong> created. Copy it now: it will not be shown again.
          </p>
          <p className="secret" data-testid="new-token">{created.token}</p>
        </div>
      ) : null}
    </div>
  );
}

export function RevokeTokenButton({ tokenId, name }: { tokenId: string; name: string }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="row">
      <button
        className="button"
        type="button"
        disabled={pending}
        aria-label={`Revoke token ${name}`}
        onClick={() =>
          startTransition(async () => {
            const result = await revokeTokenAction({ tokenId });
            setError(result.ok ? null : result.error.message);
          })
        }
      >
        Revoke
      </button>
      {error ? <span className="badge bad" role="alert">{error}</span> : null}
    </span>
  );
}
