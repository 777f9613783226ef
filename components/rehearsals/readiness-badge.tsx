import { Badge } from "@/components/ui/badge";
import { formatRelative } from "@/lib/format-time";
import type { Readiness } from "@/lib/rehearsals/readiness";

/** Whether the deployment's way back is known to work; the reason is shown, not only hovered. */
export function ReadinessBadge({ readiness, now = new Date(), compact = false }: { readiness: Readiness; now?: Date; compact?: boolean }) {
  const other = readiness.lastOtherPair;
  const passed = readiness.lastPassedAt
    ? `last passed ${formatRelative(readiness.lastPassedAt, now)}`
    : other
      ? `never passed for this pair; ${other.pair} ${other.status === "PASSED" ? "passed" : "failed"} ${formatRelative(other.at, now)}`
      : "never passed";
  return (
    <span className="readiness" data-testid="readiness-badge" data-tone={readiness.tone}>
      <Badge tone={readiness.tone} title={`${readiness.reason}; ${passed}`}>
        {readiness.label}
      </Badge>
      {compact ? null : (
        <span className="small">
          {" "}
          {readiness.reason} <span className="muted">({passed})</span>
        </span>
      )}
    </span>
  );
}
