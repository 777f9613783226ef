import type { Metadata } from "next";
import { StatusBadge } from "@/components/postmortems/postmortem-status-badge";
import { requirePageUser } from "@/lib/auth/current-user";
import { formatDuration } from "@/lib/format-duration";
import { TIMELINE_ORDER, TIMESTAMP_LABELS } from "@/lib/postmortems/durations";
import { formatUtc } from "@/lib/format-time";
import { getPostmortem } from "@/lib/postmortems/get-postmortem";
import { statusLabel } from "@/components/registry/tones";

export const metadata: Metadata = { title: "Postmortem (print)" };

// The dashboard chrome is hidden on paper; the document prints on its own.
const PRINT_CSS = `@media print { .sidebar, .skip-link, .no-print { display: none !important; } .shell { display: block !important; } .main { padding: 0 !important; } a { color: inherit; text-decoration: none; } }`;

const Section = ({ title, text }: { title: string; text: string }) => (
  <section>
    <h2>{title}</h2>
    <p style={{ whiteSpace: "pre-wrap" }}>{text.trim() === "" ? "Not recorded." : text}</p>
  </section>
);

export default async function PrintPostmortemPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageUser("VIEWER");
  const { id } = await params;
  const pm = await getPostmortem(id);
  const durations: [string, number | null][] = [
    ["Time to detect", pm.durations.timeToDetectMs],
    ["Time to decide", pm.durations.timeToDecideMs],
    ["Time to execute", pm.durations.timeToExecuteMs],
    ["Time to roll back", pm.durations.timeToRollbackMs],
    ["Exposure window", pm.durations.exposureWindowMs],
  ];
  return (
    <article className="stack print-document">
      <style>{PRINT_CSS}</style>
      <p className="no-print small">
        This is the printable view. Use your browser&apos;s Print command (Ctrl/⌘ P).
      </p>
      <h1>{pm.title}</h1>
      <p>
        <StatusBadge status={pm.status} /> {pm.severity} · {pm.deployment} · {pm.badVersion} → {pm.priorVersion} · Authors: {pm.authors.map((a) => a.name).join(", ") || "—"}
      </p>
      {pm.warnings.length > 0 ? <p role="alert">Timeline warnings: {pm.warnings.map((w) => w.message).join("; ")}</p> : null}
      <Section title="Summary" text={pm.fields.summary} />
      <Section title="What the bad model did" text={pm.fields.whatHappened} />
      <Section title="Impact" text={pm.fields.impact} />
      <Section title="Trigger" text={pm.fields.trigger} />
      <Section title="Contributing factors" text={pm.fields.contributingFactors} />
      <Section title="Detection signal" text={pm.fields.detectionSignal} />
      <section>
        <h2>Durations</h2>
        <table className="table">
          <tbody>
            {durations.map(([label, ms]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td>{formatDuration(ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section>
        <h2>Timeline (UTC)</h2>
        <ul>
          {TIMELINE_ORDER.filter((f) => pm.timestamps[f]).map((f) => (
            <li key={f}>
              {formatUtc(pm.timestamps[f]!)} — {TIMESTAMP_LABELS[f]}
            </li>
          ))}
          {pm.timeline
            .filter((e) => e.source !== "timestamp")
            .map((e, i) => (
              <li key={i}>
                {formatUtc(e.at)} — {e.description}
              </li>
            ))}
        </ul>
      </section>
      <section>
        <h2>Missed offline check</h2>
        <p>
          {pm.fields.missedCheckSuite || "—"} · {pm.fields.missedCheckReason ?? "—"}
        </p>
        <p style={{ whiteSpace: "pre-wrap" }}>{pm.fields.missedCheckDetail}</p>
      </section>
      <section>
        <h2>Gate addition</h2>
        <p>{pm.gateAddition ? `${statusLabel(pm.gateAddition.status)}: ${pm.gateAddition.description}${pm.gateAddition.suite ? ` (${pm.gateAddition.suite})` : ""}` : "Not recorded."}</p>
      </section>
      <section>
        <h2>Action items</h2>
        {pm.actionItems.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul>
            {pm.actionItems.map((i) => (
              <li key={i.id}>
                [{statusLabel(i.status)}] {i.title} — {i.owner.name}, due {i.dueDate.toISOString().slice(0, 10)}
                {i.wontDoReason ? ` (${i.wontDoReason})` : ""}
              </li>
            ))}
          </ul>
        )}
      </section>
      <Section title="Lessons" text={pm.fields.lessons} />
    </article>
  );
}
