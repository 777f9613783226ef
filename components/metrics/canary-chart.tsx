"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useMemo } from "react";
import { CartesianGrid, Legend, Line, LineChart, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatUtc } from "@/lib/format-time";
import { segmentStarts } from "@/lib/metrics/chart-segments";
import { formatNumber } from "@/lib/format-number";
import { DEFAULT_RANGE, RANGES, seriesQueryOptions, type RangeKey, type SeriesRange } from "@/lib/metrics/queries";
import type { SeriesView } from "@/lib/metrics/series";
import { RangePicker } from "./range-picker";

const LINE_COLOURS = ["var(--accent)", "var(--muted)", "var(--warn)", "var(--ok)"];
const MARKER_COLOURS: Record<SeriesView["markers"][number]["kind"], string> = {
  promotion: "var(--accent)",
  detection: "var(--bad)",
  rollback_started: "var(--warn)",
  rollback_completed: "var(--ok)",
};

type Row = { t: number } & Record<string, number | undefined>;

function rangeFrom(search: URLSearchParams): SeriesRange {
  const range = search.get("range") as RangeKey | null;
  const from = search.get("from");
  const to = search.get("to");
  if (range === "custom" && from && to && Date.parse(from) < Date.parse(to)) return { range: "custom", from, to };
  if (range && range !== "custom" && range in RANGES) return { range };
  return { range: DEFAULT_RANGE as Exclude<RangeKey, "custom"> };
}

/**
 * One row per timestamp; each version's value and sample count under its own keys, and the
 * value again under `version#segment` for the line that draws it.
 */
function toRows(series: SeriesView["series"], span: number): { rows: Row[]; segments: Record<string, number> } {
  const rows = new Map<number, Row>();
  const segments: Record<string, number> = {};
  for (const s of series) {
    const times = s.points.map((p) => Date.parse(p.ts));
    const starts = segmentStarts(times, span);
    let segment = 0;
    s.points.forEach((p, i) => {
      if (starts.has(i)) segment += 1;
      const t = times[i]!;
      const row = rows.get(t) ?? { t };
      row[s.version] = p.value;
      row[`${s.version}#${segment}`] = p.value;
      row[`${s.version}__n`] = p.sampleCount;
      rows.set(t, row);
    });
    segments[s.version] = segment + 1;
  }
  return { rows: [...rows.values()].sort((a, b) => a.t - b.t), segments };
}

const tickTime = (span: number) => (t: number) => {
  const iso = new Date(t).toISOString();
  return span > 2 * 86_400_000 ? iso.slice(5, 10) : iso.slice(11, 16);
};

/**
 * The live version's canary metric against the prior version and the floor, with the sustained
 * breaches shaded and promotions, detections and rollbacks marked. Polls every 10 s while open,
 * keeping the previous data on screen while the next arrives.
 */
export function CanaryChart({ deployment, metric }: { deployment: string; metric: string }) {
  const search = useSearchParams();
  const range = rangeFrom(search);
  const selected: RangeKey = search.get("range") === "custom" ? "custom" : range.range;
  const query = useQuery({ ...seriesQueryOptions(deployment, metric, range), placeholderData: keepPreviousData });
  const data = query.data;
  const { rows, segments } = useMemo(
    () => (data ? toRows(data.series, Date.parse(data.to) - Date.parse(data.from)) : { rows: [], segments: {} }),
    [data],
  );

  const title = `${metric} on ${deployment}`;
  const from = data ? Date.parse(data.from) : 0;
  const to = data ? Date.parse(data.to) : 0;
  const live = data?.series.find((s) => s.role === "live");
  const latest = live?.points[live.points.length - 1];
  const hasPoints = data?.series.some((s) => s.points.length > 0) ?? false;

  let summary = "Loading the canary series…";
  if (data) {
    const floorText = data.floor ? `the floor is ${formatNumber(data.floor.value)} (${data.floor.source})` : `there is no floor${data.floorUnavailable ? ` (${data.floorUnavailable})` : ""}`;
    summary = latest
      ? `Latest ${live?.version} value ${formatNumber(latest.value)} at ${formatUtc(new Date(latest.ts))}; ${floorText}. ${data.breaches.length} sustained breach${data.breaches.length === 1 ? "" : "es"} in this range.`
      : `No points from the live version in this range; ${floorText}.`;
  }

  return (
    <figure className="card" style={{ margin: 0 }} aria-labelledby="canary-chart-title" aria-describedby="canary-chart-summary">
      <div className="row" style={{ justifyContent: "space-between", alignItems: "flex-start" }}>
        <figcaption>
          <h3 id="canary-chart-title">{title}</h3>
          <p id="canary-chart-summary" className="small muted" data-testid="canary-summary" style={{ margin: 0 }}>
            {summary}
          </p>
        </figcaption>
        <RangePicker value={selected} />
      </div>
      {query.isError && !data ? (
        <div className="alert error" role="alert">
          The chart could not load: {query.error.message}
        </div>
      ) : null}
      {data?.sourceError ? (
        <div className="alert error" role="alert" data-testid="source-error">
          The metric source could not give this series: {data.sourceError}
        </div>
      ) : null}
      {query.isError && data ? (
        <p className="small" role="status" style={{ color: "var(--bad)" }}>
          Refreshing failed ({query.error.message}); showing the last data.
        </p>
      ) : null}
      {data && !hasPoints ? (
        <div className="empty" role="status" data-testid="canary-no-data">
          <h2>No data in this range</h2>
          <p>No canary points for {metric} between {formatUtc(new Date(from))} and {formatUtc(new Date(to))}. Collectors send them with POST /api/v1/metrics.</p>
        </div>
      ) : null}
      {data && hasPoints ? (
        <div role="img" aria-label={`Line chart of ${title}. ${summary}`} data-testid="canary-chart" style={{ width: "100%", height: 340 }}>
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={rows} margin={{ top: 16, right: 24, bottom: 8, left: 8 }}>
              <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
              <XAxis dataKey="t" type="number" scale="time" domain={[from, to]} tickFormatter={tickTime(to - from)} stroke="var(--muted)" />
              <YAxis domain={["auto", "auto"]} tickFormatter={(v: number) => formatNumber(v)} stroke="var(--muted)" width={56} />
              <Tooltip content={<PointTooltip series={data.series} />} />
              <Legend />
              {data.breaches.map((b) => (
                <ReferenceArea
                  key={b.detectionId}
                  x1={Math.max(from, Date.parse(b.from))}
                  x2={Math.min(to, Date.parse(b.to))}
                  ifOverflow="hidden"
                  shape={(props: { x?: number; y?: number; width?: number; height?: number }) => (
                    <rect
                      x={props.x}
                      y={props.y}
                      width={props.width}
                      height={props.height}
                      fill="var(--bad)"
                      fillOpacity={0.12}
                      data-testid="breach-area"
                      role="img"
                      aria-label={`Sustained breach of ${b.version} from ${formatUtc(new Date(b.from))} to ${formatUtc(new Date(b.to))}, below the floor ${formatNumber(b.floorValue)} (${b.floorSource})`}
                    />
                  )}
                />
              ))}
              {data.floor ? (
                <ReferenceLine
                  y={data.floor.value}
                  stroke="var(--bad)"
                  strokeDasharray="6 4"
                  ifOverflow="extendDomain"
                  label={{ value: `floor ${formatNumber(data.floor.value)} — ${data.floor.source}`, position: "insideBottomLeft", fill: "var(--bad)", fontSize: 12 }}
                />
              ) : null}
              {/* Each breach against the floor in force when it was detected, which may differ from today's. */}
              {data.breaches.map((b) => (
                <ReferenceLine
                  key={`floor-${b.detectionId}`}
                  segment={[
                    { x: Math.max(from, Date.parse(b.from)), y: b.floorValue },
                    { x: Math.min(to, Date.parse(b.to)), y: b.floorValue },
                  ]}
                  stroke="var(--bad)"
                  strokeWidth={2}
                  ifOverflow="extendDomain"
                />
              ))}
              {data.markers.map((m) => (
                <ReferenceLine
                  key={`${m.kind}-${m.at}`}
                  x={Date.parse(m.at)}
                  stroke={MARKER_COLOURS[m.kind]}
                  strokeDasharray="2 3"
                  label={{ value: m.label, position: "insideTopRight", fill: MARKER_COLOURS[m.kind], fontSize: 11, angle: -90, offset: 12 }}
                />
              ))}
              {data.series.flatMap((s, i) =>
                Array.from({ length: segments[s.version] ?? 0 }, (_, segment) => (
                  <Line
                    key={`${s.version}#${segment}`}
                    dataKey={`${s.version}#${segment}`}
                    name={`${s.version} (${s.role})`}
                    legendType={segment === 0 ? "line" : "none"}
                    stroke={LINE_COLOURS[i % LINE_COLOURS.length]}
                    strokeWidth={s.role === "live" ? 2 : 1.5}
                    dot={false}
                    // Other versions' timestamps sit between this segment's points: connect across them.
                    connectNulls
                    isAnimationActive={false}
                  />
                )),
              )}
            </LineChart>
          </ResponsiveContainer>
        </div>
      ) : null}
      {!data && query.isPending ? <div className="skeleton" style={{ height: 340 }} aria-hidden="true" /> : null}
    </figure>
  );
}

function PointTooltip({ series, active, payload, label }: { series: SeriesView["series"]; active?: boolean; payload?: { dataKey?: unknown; payload?: Row }[]; label?: number }) {
  if (!active || !payload?.length || label === undefined) return null;
  const row = payload[0]?.payload;
  if (!row) return null;
  return (
    <div className="card small" style={{ padding: "0.5rem 0.75rem", margin: 0 }}>
      <div className="mono">{formatUtc(new Date(label))}</div>
      {series
        .filter((s) => row[s.version] !== undefined)
        .map((s) => (
          <div key={s.version}>
            {s.version} ({s.role}): <strong className="mono">{formatNumber(row[s.version])}</strong> · {row[`${s.version}__n`]} samples
          </div>
        ))}
    </div>
  );
}
