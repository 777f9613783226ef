"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useCallback, useMemo, useState, type PointerEvent } from "react";
import { useNearScreen } from "@/components/ui/use-near-screen";
import { formatNumber } from "@/lib/format-number";
import { formatUtc } from "@/lib/format-time";
import { segmentStarts } from "@/lib/metrics/chart-segments";
import { seriesQueryOptions } from "@/lib/metrics/queries";
import { DEFAULT_RANGE, RANGES, type RangeKey, type SeriesRange } from "@/lib/metrics/series-url";
import type { SeriesView } from "@/lib/metrics/series";
import { markerLanes, timeTicks, valueTicks } from "./chart-layout";
import { RangePicker } from "./range-picker";

// Drawn as plain SVG paths rather than with a charting library: one path per line keeps the
// first render and every 10-second refresh cheap on a phone (the library's render of a few
// thousand points blocked the main thread for over a second in mobile Lighthouse). The series is
// fetched once the chart is near the screen, at about as many points as the plot has pixels.

const LINE_COLOURS = ["var(--accent)", "var(--muted)", "var(--warn)", "var(--ok)"];
const MARKER_COLOURS: Record<SeriesView["markers"][number]["kind"], string> = {
  promotion: "var(--accent)",
  detection: "var(--bad)",
  rollback_started: "var(--warn)",
  rollback_completed: "var(--ok)",
};
const PLOT_HEIGHT = 240;
const MARGIN = { left: 52, right: 14, top: 10, bottom: 38 };
const LANE_HEIGHT = 18;
const TICK_SPACING = 52;
const CHART_HEIGHT_ESTIMATE = PLOT_HEIGHT + MARGIN.top + MARGIN.bottom + LANE_HEIGHT;

function rangeFrom(search: URLSearchParams): SeriesRange {
  const range = search.get("range") as RangeKey | null;
  const from = search.get("from");
  const to = search.get("to");
  if (range === "custom" && from && to && Date.parse(from) < Date.parse(to)) return { range: "custom", from, to };
  if (range && range !== "custom" && range in RANGES) return { range };
  return { range: DEFAULT_RANGE as Exclude<RangeKey, "custom"> };
}

/** The chart area's width (re-measured on resize) and whether it has come near the screen yet. */
function useChartArea(): [(node: HTMLElement | null) => (() => void) | undefined, { width: number; near: boolean }] {
  const [width, setWidth] = useState(0);
  const [watchNear, near] = useNearScreen();
  const ref = useCallback(
    (node: HTMLElement | null) => {
      if (!node) return undefined;
      const resize = new ResizeObserver(([entry]) => setWidth(Math.floor(entry?.contentRect.width ?? 0)));
      resize.observe(node);
      const stopWatching = watchNear(node);
      return () => {
        resize.disconnect();
        stopWatching?.();
      };
    },
    [watchNear],
  );
  return [ref, { width, near }];
}

/** Min/max buckets give two points each: about 1.5 points per pixel, in steps so a resize rarely refetches. */
const pointsFor = (width: number) => Math.min(1000, Math.max(100, Math.ceil((width - MARGIN.left - MARGIN.right) / 100) * 150));

type Series = SeriesView["series"][number] & { times: number[]; colour: string };

/**
 * The live version's canary metric against the prior version and the floor, with the sustained
 * breaches shaded and promotions, detections and rollbacks marked. Polls every 10 s while open,
 * keeping the previous data on screen while the next arrives.
 */
export function CanaryChart({ deployment, metric }: { deployment: string; metric: string }) {
  const search = useSearchParams();
  const range = rangeFrom(search);
  const selected: RangeKey = search.get("range") === "custom" ? "custom" : range.range;
  const [area, { width, near }] = useChartArea();
  const query = useQuery({ ...seriesQueryOptions(deployment, metric, range, pointsFor(width)), placeholderData: keepPreviousData, enabled: near && width > 0 });
  const data = query.data;

  const title = `${metric} on ${deployment}`;
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
      <div ref={area}>
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
            <p>
              No canary points for {metric} between {formatUtc(new Date(data.from))} and {formatUtc(new Date(data.to))}. Collectors send them with POST /api/v1/metrics.
            </p>
          </div>
        ) : null}
        {data && hasPoints ? (
          <div data-testid="canary-chart" className="canary-chart">
            <div role="img" aria-label={`Line chart of ${title}. ${summary}`}>
              <ChartPlot data={data} width={width} />
            </div>
            <ChartLegend data={data} />
          </div>
        ) : null}
        {/* Still until the chart is near the screen: nothing is loading yet. */}
        {!data && !query.isError ? <div className={`skeleton${query.isFetching ? "" : " still"}`} style={{ height: CHART_HEIGHT_ESTIMATE }} aria-hidden="true" /> : null}
      </div>
    </figure>
  );
}

/** "M x y L x y …", starting a new subpath at each of the series' gaps. */
function linePath(s: Series, x: (t: number) => number, y: (v: number) => number, span: number): string {
  const starts = segmentStarts(s.times, span);
  return s.points.map((p, i) => `${i === 0 || starts.has(i) ? "M" : "L"}${x(s.times[i]!).toFixed(1)} ${y(p.value).toFixed(1)}`).join("");
}

/** The points nearest to `t` in each series, for the tooltip. */
function nearestPoints(series: readonly Series[], t: number) {
  return series.flatMap((s) => {
    let lo = 0;
    let hi = s.times.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s.times[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    const i = lo > 0 && Math.abs(s.times[lo - 1]! - t) < Math.abs(s.times[lo]! - t) ? lo - 1 : lo;
    const point = s.points[i];
    return point ? [{ series: s, point, t: s.times[i]! }] : [];
  });
}

function ChartPlot({ data, width }: { data: SeriesView; width: number }) {
  const from = Date.parse(data.from);
  const to = Date.parse(data.to);
  const span = to - from;
  const series: Series[] = useMemo(
    () => data.series.map((s, i) => ({ ...s, times: s.points.map((p) => Date.parse(p.ts)), colour: LINE_COLOURS[i % LINE_COLOURS.length]! })),
    [data.series],
  );
  const [hover, setHover] = useState<number | null>(null);

  const plotLeft = MARGIN.left;
  const plotWidth = Math.max(40, width - MARGIN.left - MARGIN.right);
  const x = (t: number) => plotLeft + ((t - from) / span) * plotWidth;

  const markers = data.markers.map((m, i) => ({ ...m, number: i + 1, x: x(Date.parse(m.at)) }));
  const lanes = markerLanes(markers.map((m) => ({ x: m.x, width: 8 + 7 * String(m.number).length + 6 })));
  const laneCount = markers.length === 0 ? 0 : Math.max(...lanes) + 1;
  const plotTop = MARGIN.top + laneCount * LANE_HEIGHT;
  const height = plotTop + PLOT_HEIGHT + MARGIN.bottom;

  const breaches = data.breaches.map((b) => ({ ...b, x1: x(Math.max(from, Date.parse(b.from))), x2: x(Math.min(to, Date.parse(b.to))) }));
  const values = [...series.flatMap((s) => s.points.map((p) => p.value)), ...(data.floor ? [data.floor.value] : []), ...breaches.map((b) => b.floorValue)];
  const { domain, ticks: yTicks } = valueTicks(Math.min(...values), Math.max(...values), 5);
  const y = (v: number) => plotTop + ((domain[1] - v) / (domain[1] - domain[0])) * PLOT_HEIGHT;
  const [low, high] = domain;
  // Rebuilt when the data or the size changes, not on every pointer move of the tooltip.
  const paths = useMemo(() => {
    const toX = (t: number) => plotLeft + ((t - from) / span) * plotWidth;
    const toY = (v: number) => plotTop + ((high - v) / (high - low)) * PLOT_HEIGHT;
    return series.map((s) => linePath(s, toX, toY, span));
  }, [series, plotLeft, plotWidth, plotTop, from, span, low, high]);
  const xTicks = timeTicks(from, to, Math.max(2, Math.floor(plotWidth / TICK_SPACING)));
  const plotBottom = plotTop + PLOT_HEIGHT;
  const plotRight = plotLeft + plotWidth;

  const onPointerMove = (event: PointerEvent<SVGRectElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    setHover(from + ((event.clientX - box.left) / box.width) * span);
  };
  const nearest = hover === null ? [] : nearestPoints(series, hover);
  const hoverX = hover === null ? 0 : x(hover);

  return (
    <div className="canary-plot-wrap">
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} className="canary-plot">
        <g className="grid">
          {yTicks.map((v) => (
            <g key={v}>
              <line x1={plotLeft} x2={plotRight} y1={y(v)} y2={y(v)} />
              <text x={plotLeft - 6} y={y(v)} textAnchor="end" dominantBaseline="middle" className="tick" data-testid="y-tick">
                {formatNumber(v)}
              </text>
            </g>
          ))}
          {xTicks.ticks.map((t, i) => (
            <g key={t}>
              <line x1={x(t)} x2={x(t)} y1={plotTop} y2={plotBottom} />
              <text x={x(t)} y={plotBottom + 14} textAnchor="middle" className="tick" data-testid="x-tick">
                {xTicks.labels[i]}
              </text>
            </g>
          ))}
          <text x={plotRight} y={plotBottom + 32} textAnchor="end" className="axis-title">
            time (UTC)
          </text>
        </g>
        {breaches.map((b) => (
          <rect
            key={b.detectionId}
            x={b.x1}
            y={plotTop}
            width={Math.max(1, b.x2 - b.x1)}
            height={PLOT_HEIGHT}
            fill="var(--bad)"
            fillOpacity={0.12}
            data-testid="breach-area"
            role="img"
            aria-label={`Sustained breach of ${b.version} from ${formatUtc(new Date(b.from))} to ${formatUtc(new Date(b.to))}, below the floor ${formatNumber(b.floorValue)} (${b.floorSource})`}
          />
        ))}
        {data.floor ? <line x1={plotLeft} x2={plotRight} y1={y(data.floor.value)} y2={y(data.floor.value)} stroke="var(--bad)" strokeDasharray="6 4" /> : null}
        {/* Each breach against the floor in force when it was detected, which may differ from today's. */}
        {breaches.map((b) => (
          <line key={`floor-${b.detectionId}`} x1={b.x1} x2={Math.max(b.x2, b.x1 + 2)} y1={y(b.floorValue)} y2={y(b.floorValue)} stroke="var(--bad)" strokeWidth={2} />
        ))}
        {series.map((s, i) => (
          <path key={s.version} d={paths[i]} fill="none" stroke={s.colour} strokeWidth={s.role === "live" ? 2 : 1.5} strokeLinejoin="round" />
        ))}
        {/* Labels after the lines, so a line never covers one. */}
        {data.floor ? (
          <text x={plotLeft + 4} y={y(data.floor.value) - 4} className="floor-label">
            floor {formatNumber(data.floor.value)}
          </text>
        ) : null}
        {breaches
          .filter((b) => !data.floor || b.floorValue !== data.floor.value)
          .map((b) => {
            const atRight = b.x1 > plotLeft + plotWidth / 2;
            return (
              <text key={`floor-label-${b.detectionId}`} x={atRight ? b.x1 - 4 : b.x2 + 4} y={y(b.floorValue) - 4} textAnchor={atRight ? "end" : "start"} className="floor-label" data-testid="breach-floor-label">
                {b.version} floor {formatNumber(b.floorValue)}
              </text>
            );
          })}
        {markers.map((m, i) => {
          const badgeY = MARGIN.top + lanes[i]! * LANE_HEIGHT + LANE_HEIGHT / 2;
          return (
            <g key={`${m.kind}-${m.at}`} data-testid="marker">
              <line x1={m.x} x2={m.x} y1={badgeY} y2={plotBottom} stroke={MARKER_COLOURS[m.kind]} strokeDasharray="2 3" />
              <circle cx={m.x} cy={badgeY} r={8} fill={MARKER_COLOURS[m.kind]} data-testid="marker-label" />
              <text x={m.x} y={badgeY} textAnchor="middle" dominantBaseline="central" className="marker-number">
                {m.number}
              </text>
            </g>
          );
        })}
        {hover !== null ? <line x1={hoverX} x2={hoverX} y1={plotTop} y2={plotBottom} stroke="var(--text)" strokeOpacity={0.4} /> : null}
        <rect x={plotLeft} y={plotTop} width={plotWidth} height={PLOT_HEIGHT} fill="transparent" onPointerMove={onPointerMove} onPointerLeave={() => setHover(null)} />
      </svg>
      {nearest.length > 0 ? (
        <div
          className="card small chart-tooltip"
          style={{ top: plotTop + 8, ...(hoverX > width / 2 ? { right: width - hoverX + 8 } : { left: hoverX + 8 }) }}
        >
          <div className="mono">{formatUtc(new Date(nearest[0]!.t))}</div>
          {nearest.map(({ series: s, point }) => (
            <div key={s.version}>
              {s.version} ({s.role}): <strong className="mono">{formatNumber(point.value)}</strong> · {point.sampleCount} samples
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}

/** What each line, floor and numbered marker is, as text a screen reader and a small screen can read. */
function ChartLegend({ data }: { data: SeriesView }) {
  const breachFloors = data.breaches.filter((b) => !data.floor || b.floorValue !== data.floor.value);
  return (
    <div className="chart-legend small">
      <ul aria-label="Lines on the chart">
        {data.series.map((s, i) => (
          <li key={s.version}>
            <span className="swatch" style={{ borderTopColor: LINE_COLOURS[i % LINE_COLOURS.length] }} aria-hidden="true" />
            {s.version} ({s.role})
          </li>
        ))}
        {data.floor ? (
          <li>
            <span className="swatch dashed" style={{ borderTopColor: "var(--bad)" }} aria-hidden="true" />
            <span>
              floor {formatNumber(data.floor.value)} — {data.floor.source}
            </span>
          </li>
        ) : null}
        {breachFloors.map((b) => (
          <li key={b.detectionId}>
            <span className="swatch" style={{ borderTopColor: "var(--bad)" }} aria-hidden="true" />
            <span>
              {b.version} floor {formatNumber(b.floorValue)}: the floor it breached, at detection — {b.floorSource}
            </span>
          </li>
        ))}
      </ul>
      {data.markers.length > 0 ? (
        <ol aria-label="Events on the chart" className="chart-markers">
          {data.markers.map((m) => (
            <li key={`${m.kind}-${m.at}`}>
              <span className="marker-key" style={{ background: MARKER_COLOURS[m.kind] }} aria-hidden="true" />
              {m.label}, {formatUtc(new Date(m.at))}
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}
