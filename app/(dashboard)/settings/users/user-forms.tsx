"use client";

import type { Role } from "@prisma/client";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { useFormAction, useRowAction } from "@/components/ui/use-action";
import { changeUserRoleAction, createUserAction, setUserDisabledAction } from "@/lib/users/actions";

const ROLES: Role[] = ["VIEWER", "OPERATOR", "APPROVER", "ADMIN"];

export function CreateUserForm() {
  const [created, setCreated] = useState<string | null>(null);
  const { onSubmit, pending, error } = useFormAction(createUserAction, { onSuccess: (user) => setCreated(user.email) });
  const message = error ? { tone: "error", text: error } : created ? { tone: "success", text: `Created ${created}.` } : null;

  return (
    <form className="form-inline" onSubmit={onSubmit} aria-label="Add a user">
      <label className="field">
        Name
        <input className="input" name="name" required />
      </label>
      <label className="field">
        Email
        <input className="input" name="email" type="email" required />
      </label>
      <label className="field">
        Role
        <select className="input" name="role" defaultValue="VIEWER">
          {ROLES.map((role) => (
            <option key={role}>{role}</option>
          ))}
        </select>
      </label>
      <label className="field">
        Initial password
        <input className="input" name="password" type="password" minLength={12} required autoComplete="new-password" />
      </label>
      <button className="button primary" type="submit" disabled={pending}>
        {pending ? "Adding…" : "Add user"}
      </button>
      {message ? (
        <p className={`alert ${message.tone}`} role={message.tone === "error" ? "alert" : "status"} style={{ width: "100%", margin: 0 }}>
          {message.text}
        </p>
      ) : null}
    </form>
  );
}

export function UserRowControls({ userId, email, role, disabled, self }: { userId: string; email: string; role: Role; disabled: boolean; self: boolean }) {
  const { run, pending, error, saved } = useRowAction();

  return (
    <div className="row">
      <label className="sr-only" htmlFor={`role-${userId}`}>
        Role of {email}
      </label>
      <select
        id={`role-${userId}`}
        className="input"
        defaultValue={role}
        disabled={pending}
        aria-label={`Role of ${email}`}
        onChange={(event) => run(() => changeUserRoleAction({ userId, role: event.target.value }))}
      >
        {ROLES.map((r) => (
          <option key={r}>{r}</option>
        ))}
      </select>
      {disabled ? <Badge tone="bad">disabled</Badge> : <Badge tone="ok">active</Badge>}
      {self ? null : (
        <button className="button" type="button" disabled={pending} onClick={() => run(() => setUserDisabledAction({ userId, disabled: !disabled }))}>
          {disabled ? "Enable" : "Disable"}
        </button>
      )}
      {error ? (
        <span className="badge bad" role="alert">
          {error}
        </span>
      ) : null}
      {saved ? (
        <span className="small muted" role="status">
          saved
        </span>
      ) : null}
    </div>
  );
}
