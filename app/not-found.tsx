import { IntentLink } from "@/components/ui/intent-link";

export default function NotFound() {
  return (
    <main className="auth-page">
      <div className="card auth-card">
        <h1>Not found</h1>
        <p className="muted">There is nothing at this address. It may have been renamed, or the link is wrong.</p>
        <IntentLink className="button" href="/deployments">
          Go to deployments
        </IntentLink>
      </div>
    </main>
  );
}
