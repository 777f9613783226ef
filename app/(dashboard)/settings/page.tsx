import type { Metadata } from "next";
import { IntentLink } from "@/components/ui/intent-link";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/current-user";
import { hasRole } from "@/lib/auth/roles";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const user = await requirePageUser();
  const admin = hasRole(user.role, "ADMIN");
  return (
    <>
      <PageHeader title="Settings" />
      <section className="card">
        <h2>Your account</h2>
        <dl className="kv">
          <dt>Name</dt>
          <dd>{user.name}</dd>
          <dt>Email</dt>
          <dd>{user.email}</dd>
          <dt>Role</dt>
          <dd>{user.role}</dd>
        </dl>
      </section>
      {admin ? (
        <section className="card stack">
          <h2>Administration</h2>
          <IntentLink href="/settings/users">Users and roles</IntentLink>
          <IntentLink href="/settings/tokens">API tokens for pipelines</IntentLink>
          <IntentLink href="/settings/webhooks">Webhooks for rollback and rehearsal alerts</IntentLink>
        </section>
      ) : (
        <p className="muted">Users, roles, API tokens and webhooks are managed by an ADMIN.</p>
      )}
    </>
  );
}
