import { formatRelative, formatUtc } from "@/lib/format-time";

/** A time in UTC, with how long ago (or until) it is as a hint. */
export function Time({ value, now = new Date() }: { value: Date | string | null | undefined; now?: Date }) {
  if (!value) return <span className="muted">—</span>;
  const date = typeof value === "string" ? new Date(value) : value;
  return (
    <time dateTime={date.toISOString()} title={formatRelative(date, now)}>
      {formatUtc(date)} <span className="muted small">({formatRelative(date, now)})</span>
    </time>
  );
}
