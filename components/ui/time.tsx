"use client";

import { formatRelative, formatUtc } from "@/lib/format-time";
import { useNow } from "./use-now";

/**
 * A time in UTC, with how long ago (or until) it is as a hint that keeps counting. `now` is the
 * server's rendering time, shown until the browser's clock takes over.
 */
export function Time({ value, now }: { value: Date | string | null | undefined; now?: Date }) {
  const ticking = useNow();
  if (!value) return <span className="muted">—</span>;
  const date = typeof value === "string" ? new Date(value) : value;
  const reference = ticking ?? now?.getTime() ?? null;
  const relative = reference === null ? null : formatRelative(date, new Date(reference));
  return (
    <time dateTime={date.toISOString()} title={relative ?? undefined}>
      {formatUtc(date)} {relative ? <span className="muted small">({relative})</span> : null}
    </time>
  );
}
