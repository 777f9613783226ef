"use client";

import { useState } from "react";
import { useFormAction, useRowAction } from "@/components/ui/use-action";
import { createTokenAction, revokeTokenAction } from "@/lib/users/actions";

export function CreateTokenForm() {
  const [created, setCreated] = useState<{ token: string; name: string } | null>(null);
  const { onSubmit, pending, error } = useFormAction(createTokenAction, { onSuccess: setCreated });

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
  const { run, pending, error } = useRowAction();
  return (
    <span className="row">
      <button className="button" type="button" disabled={pending} aria-label={`Revoke token ${name}`} onClick={() => run(() => revokeTokenAction({ tokenId }))}>
        Revoke
      </button>
      {error ? <span className="badge bad" role="alert">{error}</span> : null}
    </span>
  );
}
