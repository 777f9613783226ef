import type { Metadata } from "next";
import Link from "next/link";
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
          <Link href="/settings/users">Users and roles</Link>
          <Link href="/settings/tokens">API tokens for pipelines</Link>
          <Link href="/settings/webhooks">Webhooks for rollback and rehearsal alerts</Link>
        </section>
      ) : (
        <p className="muted">Users, roles, API tokens and webhooks are managed by an ADMIN.</p>
      )}
    </>
  );
}
