import { IntentLink } from "@/components/ui/intent-link";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import type { RetentionView } from "@/lib/registry/schemas";

/** Why a version is kept (or that it was purged), in a few words. */
export function RetentionCell({ retention, now }: { retention: RetentionView; now: Date }) {
  if (retention.purgedAt) {
    return (
      <>
        <Badge tone="neutral">purged</Badge> <Time value={retention.purgedAt} now={now} />
      </>
    );
  }
  if (retention.protectedBy.length > 0) {
    return (
      <>
        <Badge tone="info">protected</Badge>{" "}
        {retention.protectedBy.map((p) => (
          <span key={`${p.deployment}-${p.as}`} className="small">
            {p.as === "prior" ? "rollback target of " : "live on "}
            <IntentLink href={`/deployments/${p.deployment}`}>{p.deployment}</IntentLink>{" "}
          </span>
        ))}
      </>
    );
  }
  if (retention.retainUntil) {
    return (
      <span className="small">
        kept until <Time value={retention.retainUntil} now={now} />
      </span>
    );
  }
  return <span className="muted small">kept until purged</span>;
}
