import { Badge, type Tone } from "@/components/ui/badge";
import { statusLabel } from "@/components/registry/tones";

const TONES: Record<string, Tone> = { DRAFT: "neutral", IN_REVIEW: "info", APPROVED: "warn", CLOSED: "ok", PROPOSED: "neutral", IMPLEMENTED: "info", ENFORCED: "ok" };

/** A postmortem's or gate addition's status; APPROVED is amber because work remains before CLOSED. */
export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={TONES[status] ?? "neutral"}>{statusLabel(status)}</Badge>;
}
