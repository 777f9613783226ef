/** `2026-06-15 14:03:07 UTC`: operators compare times across teams and time zones. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

const UNITS: [number, string][] = [
  [86_400_000, "d"],
  [3_600_000, "h"],
  [60_000, "m"],
  [1_000, "s"],
];

/** `3h 12m ago`, `in 2d 1h`, `just now`. */
export function formatRelative(date: Date, now: Date = new Date()): string {
  const delta = date.getTime() - now.getTime();
  const abs = Math.abs(delta);
  if (abs < 5_000) return "just now";
  const parts: string[] = [];
  let rest = abs;
  for (const [size, unit] of UNITS) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    } else if (parts.length) break;
  }
  return delta < 0 ? `${parts.join(" ")} ago` : `in ${parts.join(" ")}`;
}
