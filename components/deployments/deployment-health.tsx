import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import type { HealthView } from "@/lib/deployments/schemas";

/** The deployment's one state as a badge, with since when where it is known. */
export function HealthBadge({ health, now }: { health: HealthView; now?: Date }) {
  return (
    <span className="row" data-testid="deployment-health" data-tone={health.tone}>
      <Badge tone={health.tone} title={health.reason}>
        {health.label}
      </Badge>
      {health.since ? (
        <span className="small">
          since <Time value={health.since} now={now} />
        </span>
      ) : null}
    </span>
  );
}
