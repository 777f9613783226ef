import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import { requirePageUser } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { WEBHOOK_EVENTS } from "@/lib/webhooks/deliver-webhook";
import { PAGERDUTY_EVENTS_URL } from "@/lib/webhooks/pagerduty";
import { CreateWebhookForm, WebhookRowActions } from "./webhook-forms";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  await requirePageUser("ADMIN");
  const hooks = await db().webhook.findMany({ orderBy: { createdAt: "desc" }, select: { id: true, name: true, kind: true, url: true, events: true, enabled: true, createdAt: true } });
  return (
    <>
      <PageHeader
        title="Webhooks"
        description={
          <>
            Reversegate posts Slack-compatible JSON (<code>text</code>, <code>blocks</code>, and the event under <code>reversegate</code>) when a rollback is
            requested, approved, completed or fails, and when a canary detection fires. Each delivery is signed:{" "}
            <code>x-reversegate-signature: v1=HMAC-SHA256(secret, timestamp + &quot;.&quot; + body)</code> with <code>x-reversegate-timestamp</code> in Unix seconds.
            A PagerDuty destination (Events API v2) gets an alert per detection, resolved when the rollback that answers it completes (one{" "}
            <code>dedup_key</code> per detection), and a change event for each rollback that completes or fails.
          </>
        }
      />
      <section className="card">
        <h2>Add a destination</h2>
        <CreateWebhookForm events={[...WEBHOOK_EVENTS]} pagerDutyUrl={PAGERDUTY_EVENTS_URL} />
      </section>
      {hooks.length === 0 ? (
        <EmptyState title="No webhooks yet">
          <p>Add your incident channel&apos;s incoming-webhook URL to hear about every rollback.</p>
        </EmptyState>
      ) : (
        <TableWrap label="Webhooks table">
          <table className="table" aria-label="Webhooks">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">Created</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {hooks.map((hook) => (
                <tr key={hook.id}>
                  <td>{hook.name}</td>
                  <td className="small">{hook.kind === "PAGERDUTY" ? "PagerDuty (routing key stored)" : "Slack-compatible"}</td>
                  <td className="mono small">{hook.url}</td>
                  <td className="small">{hook.events.length === 0 ? "all" : hook.events.join(", ")}</td>
                  <td className="small"><Time value={hook.createdAt} /></td>
                  <td>
                    <span className="row">
                      <Badge tone={hook.enabled ? "ok" : "neutral"}>{hook.enabled ? "enabled" : "disabled"}</Badge>
                      <WebhookRowActions webhookId={hook.id} name={hook.name} enabled={hook.enabled} />
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
}
