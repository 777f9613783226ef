"use client";

import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { valueTicks } from "@/components/metrics/chart-layout";
import { formatDuration } from "@/lib/format-duration";
import { formatNumber } from "@/lib/format-number";

export type DurationPoint = { period: string; count: number; medianMs: number | null; p90Ms: number | null };
export type RatePoint = { period: string; numerator: number; denominator: number; rate: number | null };

const DURATION_KEYS = new Set(["median", "p90"]);

/** Median and p90 per period on a minutes axis, with the count as bars so a thin period reads as thin. */
export function DurationChart({ title, points }: { title: string; points: DurationPoint[] }) {
  const data = points.map((p) => ({ period: p.period, count: p.count, median: p.medianMs, p90: p.p90Ms }));
  // Round minutes on the axis; the tooltip reads each duration exactly.
  const longest = Math.max(0, ...points.flatMap((p) => [p.medianMs ?? 0, p.p90Ms ?? 0])) / 60_000;
  const minutes = valueTicks(0, Math.max(1, longest), 4);
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={240}>
        <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="period" fontSize={11} />
          <YAxis
            yAxisId="min"
            fontSize={11}
            domain={[0, minutes.domain[1] * 60_000]}
            ticks={minutes.ticks.map((m) => m * 60_000)}
            tickFormatter={(ms: number) => formatNumber(ms / 60_000)}
            label={{ value: "minutes", angle: -90, position: "insideLeft", fontSize: 11 }}
          />
          <YAxis yAxisId="count" orientation="right" allowDecimals={false} fontSize={11} />
          <Tooltip formatter={(value, _name, item) => (DURATION_KEYS.has(String(item.dataKey)) ? formatDuration(Number(value)) : value)} />
          <Legend />
          <Bar yAxisId="count" dataKey="count" name="incidents" fill="#cbd5e1" />
          <Line yAxisId="min" type="monotone" dataKey="median" name="median" stroke="#2563eb" connectNulls={false} dot />
          <Line yAxisId="min" type="monotone" dataKey="p90" name="p90" stroke="#dc2626" strokeDasharray="4 2" connectNulls={false} dot />
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** A rate in percent per period, with how many events it was computed from. */
export function RateChart({ title, points, denominatorLabel }: { title: string; points: RatePoint[]; denominatorLabel: string }) {
  const data = points.map((p) => ({ period: p.period, rate: p.rate === null ? null : Math.round(p.rate * 1000) / 10, total: p.denominator }));
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={240}>
        <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="period" fontSize={11} />
          <YAxis yAxisId="pct" domain={[0, 100]} fontSize={11} label={{ value: "%", angle: -90, position: "insideLeft", fontSize: 11 }} />
          <YAxis yAxisId="count" orientation="right" allowDecimals={false} fontSize={11} />
          <Tooltip />
          <Legend />
          <Bar yAxisId="count" dataKey="total" name={denominatorLabel} fill="#cbd5e1" />
          <Line yAxisId="pct" type="monotone" dataKey="rate" name="rate (%)" stroke="#7c3aed" connectNulls={false} dot />
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}
