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

export const statusLabel = (status: string) => status.toLowerCase().replaceAll("_", " ");
