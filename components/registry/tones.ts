import type { Tone } from "@/components/ui/badge";

export const VERSION_STATUS_TONE: Record<"SHADOW" | "LIVE" | "SUPERSEDED" | "ROLLED_BACK", Tone> = {
  SHADOW: "info",
  LIVE: "ok",
  SUPERSEDED: "neutral",
  ROLLED_BACK: "bad",
};

export const DEPLOYMENT_STATE_TONE: Record<"STABLE" | "ROLLING_BACK" | "FROZEN", Tone> = {
  STABLE: "ok",
  ROLLING_BACK: "warn",
  FROZEN: "info",
};

const STATUS_WORDS: Record<string, string> = { WONT_DO: "Won't do" };

/** A status as words, never its enum name: `AWAITING_APPROVAL` reads "Awaiting approval". */
export function statusLabel(status: string): string {
  const words = STATUS_WORDS[status] ?? status.toLowerCase().replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
