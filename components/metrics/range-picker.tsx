"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { RANGES, type RangeKey } from "@/lib/metrics/series-url";

const LABELS: Record<RangeKey, string> = { "1h": "1 h", "6h": "6 h", "24h": "24 h", "7d": "7 d", "30d": "30 d", custom: "Custom" };

const toInput = (iso: string | null) => (iso ? iso.slice(0, 16) : "");

/** The chart's range, kept in the URL (`?range=7d`, or `?range=custom&from=…&to=…` in UTC). */
export function RangePicker({ value }: { value: RangeKey }) {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const [from, setFrom] = useState(toInput(search.get("from")));
  const [to, setTo] = useState(toInput(search.get("to")));
  const [error, setError] = useState<string | null>(null);

  const navigate = (next: Record<string, string | null>) => {
    const params = new URLSearchParams(search);
    for (const [key, v] of Object.entries(next)) {
      if (v === null) params.delete(key);
      else params.set(key, v);
    }
    router.replace(`${pathname}?${params}`, { scroll: false });
  };

  const applyCustom = (event: FormEvent) => {
    event.preventDefault();
    const fromMs = Date.parse(`${from}:00Z`);
    const toMs = Date.parse(`${to}:00Z`);
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) return setError("Enter both times (UTC).");
    if (fromMs >= toMs) return setError("From must be before to.");
    setError(null);
    navigate({ range: "custom", from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() });
  };

  return (
    <div className="stack" style={{ gap: "0.4rem" }}>
      <div className="row" role="group" aria-label="Chart range">
        {(Object.keys(RANGES) as RangeKey[]).concat("custom").map((key) => (
          <button
            key={key}
            type="button"
            className={`button${key === value ? " primary" : ""}`}
            aria-pressed={key === value}
            onClick={() => (key === "custom" ? navigate({ range: "custom" }) : navigate({ range: key, from: null, to: null }))}
          >
            {LABELS[key]}
          </button>
        ))}
      </div>
      {value === "custom" ? (
        <form className="form-inline" onSubmit={applyCustom} aria-label="Custom range">
          <label className="field">
            From (UTC)
            <input className="input" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} required />
          </label>
          <label className="field">
            To (UTC)
            <input className="input" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} required />
          </label>
          <button className="button" type="submit">
            Show
          </button>
          {error ? (
            <span className="small" role="alert" style={{ color: "var(--bad)" }}>
              {error}
            </span>
          ) : null}
        </form>
      ) : null}
    </div>
  );
}
