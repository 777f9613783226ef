"use client";

import { Bar, BarChart, CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ReadinessReport } from "@/lib/rehearsals/readiness-report-schema";

const day = (iso: string) => iso.slice(5, 16).replace("T", " ");

function SmallChart({ title, children }: { title: string; children: React.ReactElement }) {
  return (
    <figure className="chart" aria-label={title} style={{ margin: 0 }}>
      <figcaption className="small">{title}</figcaption>
      <ResponsiveContainer width="100%" height={140}>
        {children}
      </ResponsiveContainer>
    </figure>
  );
}

/** Small history charts of the readiness indicators and of each rehearsal's time to roll back against the SLO. */
export function ReadinessCharts({ report }: { report: ReadinessReport }) {
  const sloSeconds = report.slo.rollbackSeconds;
  const ttr = report.rehearsals.map((r) => ({ at: day(r.at), seconds: r.ttrMs === null ? null : Math.round(r.ttrMs / 100) / 10 }));
  const acks = report.indicators.consumerAcknowledgement.history.map((h) => ({ at: day(h.at), ms: h.maxLatencyMs, who: h.slowestConsumer }));
  const reach = report.indicators.manifestReachability.history.map((h) => ({ at: day(h.at), reachable: h.reachable ? 1 : 0 }));
  const memory = report.indicators.memoryDivergence.history.map((h) => ({ at: day(h.at), hours: h.divergedForMs === null ? 0 : Math.round(h.divergedForMs / 360_000) / 10 }));
  return (
    <div className="grid-2" data-testid="readiness-charts">
      <SmallChart title="Rehearsal time to roll back (s) against the SLO">
        <LineChart data={ttr} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="at" fontSize={10} />
          <YAxis fontSize={10} width={40} />
          <Tooltip />
          {sloSeconds === null ? null : <ReferenceLine y={sloSeconds} stroke="#dc2626" strokeDasharray="4 2" label={{ value: "SLO", fontSize: 10, position: "insideTopRight" }} />}
          <Line type="monotone" dataKey="seconds" name="time to roll back (s)" stroke="#2563eb" dot connectNulls={false} />
        </LineChart>
      </SmallChart>
      <SmallChart title="Slowest consumer acknowledgement per invalidation (ms)">
        <BarChart data={acks} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="at" fontSize={10} />
          <YAxis fontSize={10} width={40} />
          <Tooltip />
          <Bar dataKey="ms" name="slowest acknowledgement (ms)" fill="#7c3aed" />
        </BarChart>
      </SmallChart>
      <SmallChart title="Manifest reachable at each rehearsal (1 yes, 0 no)">
        <BarChart data={reach} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="at" fontSize={10} />
          <YAxis fontSize={10} width={40} domain={[0, 1]} ticks={[0, 1]} />
          <Tooltip />
          <Bar dataKey="reachable" name="reachable" fill="#16a34a" />
        </BarChart>
      </SmallChart>
      <SmallChart title="Agent-memory divergence at each rehearsal (hours diverged)">
        <BarChart data={memory} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="at" fontSize={10} />
          <YAxis fontSize={10} width={40} />
          <Tooltip />
          <Bar dataKey="hours" name="hours diverged" fill="#d97706" />
        </BarChart>
      </SmallChart>
    </div>
  );
}
