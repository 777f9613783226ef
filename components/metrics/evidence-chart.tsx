"use client";

import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatUtc } from "@/lib/format-time";
import { formatNumber } from "@/lib/format-number";

type Point = { ts: string; value: number; sampleCount: number };

/** The points that justified a detection, against the floor they held below. */
export function EvidenceChart({ points, floor, label }: { points: Point[]; floor: number; label: string }) {
  const rows = points.map((p) => ({ t: Date.parse(p.ts), value: p.value }));
  const from = rows[0]?.t ?? 0;
  const to = rows.at(-1)?.t ?? 0;
  return (
    <div role="img" aria-label={label} data-testid="evidence-chart" style={{ width: "100%", height: 260 }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ top: 12, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[from, to]}
            tickFormatter={(t: number) => new Date(t).toISOString().slice(11, 16)}
            stroke="var(--muted)"
          />
          <YAxis domain={["auto", "auto"]} tickFormatter={(v: number) => formatNumber(v)} stroke="var(--muted)" width={56} />
          <Tooltip labelFormatter={(t) => formatUtc(new Date(Number(t)))} formatter={(v) => formatNumber(Number(v))} />
          <ReferenceLine y={floor} stroke="var(--bad)" strokeDasharray="6 3" label={{ value: `floor ${formatNumber(floor)}`, position: "insideTopRight", fill: "var(--bad)" }} />
          <Line dataKey="value" name="value" stroke="var(--accent)" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
