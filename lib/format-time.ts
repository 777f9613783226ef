import { formatDuration } from "./format-duration";

/** `2026-06-15 14:03:07 UTC`: operators compare times across teams and time zones. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** `3h 12m ago`, `in 2d 1h`, `just now`; whole seconds, in the one duration format. */
export function formatRelative(date: Date, now: Date = new Date()): string {
  const delta = date.getTime() - now.getTime();
  const abs = Math.abs(delta);
  if (abs < 5_000) return "just now";
  const text = formatDuration(Math.floor(abs / 1_000) * 1_000);
  return delta < 0 ? `${text} ago` : `in ${text}`;
}
