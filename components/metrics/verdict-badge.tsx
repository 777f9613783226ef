import { Badge, type Tone } from "@/components/ui/badge";

const VERDICT: Record<string, { tone: Tone; text: string }> = {
  healthy: { tone: "ok", text: "healthy" },
  breach: { tone: "bad", text: "breach" },
  no_data: { tone: "warn", text: "no data" },
  error: { tone: "bad", text: "evaluation error" },
};

/** A policy's verdict as a badge; none yet reads "not evaluated yet". */
export function VerdictBadge({ verdict }: { verdict: string | null }) {
  const shown = verdict ? VERDICT[verdict] : null;
  return shown ? <Badge tone={shown.tone}>{shown.text}</Badge> : <Badge>{verdict ?? "not evaluated yet"}</Badge>;
}
