import { formatDuration } from "@/lib/format-duration";
import { incidentTimings, type IncidentTimestamps } from "@/lib/incidents/timings";
import { TIMELINE_ORDER, TIMESTAMP_LABELS, validateTimelineOrder } from "./durations";
import type {
  ActionItemStatus,
  GateAddition,
  MissedCheck,
  MissedCheckReason,
  PostmortemStatus,
  Severity,
} from "./workflow";

export interface PostmortemDocument {
  readonly title: string;
  readonly deployment: string;
  readonly badVersion: string;
  readonly restoredVersion: string;
  readonly severity: Severity;
  readonly status: PostmortemStatus;
  /** Display names. */
  readonly authors: readonly string[];
  readonly summary: string;
  readonly whatHappened: string;
  readonly impact: string;
  readonly trigger: string;
  readonly detectionSignal: string;
  readonly lessons: string;
  readonly timestamps: IncidentTimestamps;
  /** Whether the incident met the rollback SLO, one sentence per target. */
  readonly sloSummary?: readonly string[];
  /** Further moments worth recording, merged into the timeline by time. */
  readonly events?: readonly { readonly at: Date; readonly description: string }[];
  readonly missedCheck: MissedCheck | null;
  readonly gateAddition: GateAddition | null;
  readonly actionItems: readonly {
    readonly title: string;
    /** Display name of the one owner. */
    readonly owner: string;
    readonly dueDate: Date;
    readonly status: ActionItemStatus;
    readonly wontDoReason: string | null;
  }[];
}

const MISSED_CHECK_REASONS: Readonly<Record<MissedCheckReason, string>> = {
  MISSING_CATEGORY: "The suite lacked the category that failed",
  LOOSE_THRESHOLD: "The threshold was too loose to fail the candidate",
  UNREPRESENTATIVE_DATA: "The evaluation data did not represent production",
  NOT_RUN: "The check existed but did not run",
};

const NOT_RECORDED = "_Not recorded._";

// User text stays text: every character that could open raw HTML, a link, an image or a link
// definition is escaped, so no renderer turns a postmortem into markup or a `javascript:` link.
// Bare https:// URLs still read as links where the renderer autolinks them.
const escapeMarkup = (value: string) => value.replace(/[\\<>[\]]/g, (char) => `\\${char}`);

const text = (value: string) => (value.trim() === "" ? NOT_RECORDED : escapeMarkup(value.trim()));

// User text inside a table cell must not end the cell or the row.
const cell = (value: string) => escapeMarkup(value).replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

// Inline values must not start a new block either (a heading, a list), so line breaks fold.
const inline = (value: string) => (value.trim() === "" ? NOT_RECORDED : escapeMarkup(value.trim()).replace(/\s*\r?\n\s*/g, " "));

const timeOf = (date: Date) => `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
const dayOf = (date: Date) => date.toISOString().slice(0, 10);

function timeline(pm: PostmortemDocument): string[] {
  const entries: { at: Date; description: string }[] = [];
  for (const field of TIMELINE_ORDER) {
    const at = pm.timestamps[field];
    if (at && !Number.isNaN(at.getTime())) {
      const label = TIMESTAMP_LABELS[field];
      entries.push({ at, description: label.charAt(0).toUpperCase() + label.slice(1) });
    }
  }
  for (const event of pm.events ?? []) {
    if (!Number.isNaN(event.at.getTime())) entries.push({ at: event.at, description: inline(event.description) });
  }
  // A stable sort keeps the incident order for equal times.
  entries.sort((a, b) => a.at.getTime() - b.at.getTime());

  const lines =
    entries.length === 0 ? [NOT_RECORDED] : entries.map((e) => `- **${timeOf(e.at)}** — ${e.description}`);
  const warnings = validateTimelineOrder(pm.timestamps);
  if (warnings.length > 0) {
    lines.push("");
    for (const warning of warnings) lines.push(`> **Warning:** ${warning.message}.`);
  }
  return lines;
}

function durations(pm: PostmortemDocument): string[] {
  const d = incidentTimings(pm.timestamps);
  const rows: [string, number | null][] = [
    ["Time to detect", d.timeToDetectMs],
    ["Time to decide", d.timeToDecideMs],
    ["Time to execute", d.timeToExecuteMs],
    ["Time to roll back", d.timeToRollbackMs],
    ["Exposure window", d.exposureWindowMs],
  ];
  return [
    "| Measure | Duration |",
    "| --- | --- |",
    ...rows.map(([name, ms]) => `| ${name} | ${formatDuration(ms)} |`),
    ...(pm.sloSummary && pm.sloSummary.length > 0 ? ["", ...pm.sloSummary.map((line) => `- ${line}`)] : []),
  ];
}

function missedCheck(check: MissedCheck | null): string[] {
  if (!check) return [NOT_RECORDED];
  return [
    `- **Suite:** ${inline(check.suite)}`,
    `- **Why it missed:** ${check.reason ? MISSED_CHECK_REASONS[check.reason] : NOT_RECORDED}`,
    "",
    text(check.detail),
  ];
}

function gateAddition(gate: GateAddition | null): string[] {
  if (!gate) return [NOT_RECORDED];
  const lines = [`- **Status:** ${gate.status}`];
  if (gate.suite !== undefined && gate.suite.trim() !== "") lines.push(`- **Suite:** ${inline(gate.suite)}`);
  lines.push("", text(gate.description));
  return lines;
}

function actionItems(items: PostmortemDocument["actionItems"]): string[] {
  if (items.length === 0) return ["_None._"];
  return [
    "| # | Action | Owner | Due | Status |",
    "| --- | --- | --- | --- | --- |",
    ...items.map((item, index) => {
      const status =
        item.status === "WONT_DO" && item.wontDoReason ? `WONT_DO: ${item.wontDoReason}` : item.status;
      return `| ${index + 1} | ${cell(item.title)} | ${cell(item.owner)} | ${dayOf(item.dueDate)} | ${cell(status)} |`;
    }),
  ];
}

export function postmortemToMarkdown(pm: PostmortemDocument): string {
  const section = (heading: string, body: readonly string[]) => [`## ${heading}`, "", ...body, ""];
  const lines = [
    `# ${inline(pm.title)}`,
    "",
    `- **Deployment:** ${inline(pm.deployment)}`,
    `- **Rolled back:** ${inline(pm.badVersion)} → ${inline(pm.restoredVersion)}`,
    `- **Severity:** ${pm.severity}`,
    `- **Status:** ${pm.status}`,
    `- **Authors:** ${pm.authors.length > 0 ? pm.authors.map(inline).join(", ") : NOT_RECORDED}`,
    "",
    ...section("Summary", [
      text(pm.summary),
      "",
      "### What happened",
      "",
      text(pm.whatHappened),
      "",
      "### Trigger",
      "",
      text(pm.trigger),
    ]),
    ...section("Impact", [text(pm.impact)]),
    ...section("Timeline", timeline(pm)),
    ...section("Detection", [text(pm.detectionSignal)]),
    ...section("Durations", durations(pm)),
    ...section("Missed offline check", missedCheck(pm.missedCheck)),
    ...section("Gate addition", gateAddition(pm.gateAddition)),
    ...section("Action items", actionItems(pm.actionItems)),
    ...section("Lessons", [text(pm.lessons)]),
  ];
  return lines.join("\n").trimEnd() + "\n";
}
