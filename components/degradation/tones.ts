import type { Tone } from "@/components/ui/badge";
import type { DegradationLevel } from "@/lib/serving/degradation";

export const LEVEL_TONE: Record<DegradationLevel, Tone> = { normal: "ok", reduced: "info", fallback: "warn", off: "bad" };
