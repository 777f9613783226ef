import { micromark } from "micromark";
import { describe, expect, it } from "vitest";
import { postmortemToMarkdown, type PostmortemDocument } from "./markdown";

const at = (minutes: number) => new Date(Date.UTC(2026, 5, 17, 9, 0) + minutes * 60_000);

const doc: PostmortemDocument = {
  title: "Support router v14 misroutes nickname-heavy tickets",
  deployment: "support-router-prod",
  badVersion: "v14",
  restoredVersion: "v13",
  severity: "SEV2",
  status: "APPROVED",
  authors: ["Ana Ops", "Ben Eval"],
  summary: "v14 sent terse, all-caps tickets to the catch-all queue; v13 was restored.",
  whatHappened: "A campaign surge used a product nickname the training data barely held.",
  impact: "Canary accuracy fell from 0.92 to 0.81 over six hours.",
  trigger: "Marketing campaign.",
  detectionSignal: "Regression detector on canary accuracy crossed the v13 floor.",
  lessons: "The regression set must sample live phrasing, not only historical formal tickets.",
  timestamps: {
    badVersionLiveFrom: at(-3 * 24 * 60),
    impactStartedAt: at(-360),
    detectedAt: at(0),
    rollbackRequestedAt: at(1),
    approvedAt: at(3),
    completedAt: at(9),
  },
  events: [{ at: at(5), description: "Ramp at 10% to v13;\ncanary recovering" }],
  missedCheck: { suite: "regression-set", reason: "MISSING_CATEGORY", detail: "No all-caps or nickname tickets." },
  gateAddition: {
    description: "Add a nickname-and-shorthand category.",
    suite: "regression-set",
    status: "IMPLEMENTED",
  },
  actionItems: [
    {
      title: "Source surge tickets | triaged",
      owner: "Ana Ops",
      dueDate: at(14 * 24 * 60),
      status: "OPEN",
      wontDoReason: null,
    },
    {
      title: "Page on 0.85",
      owner: "Ben Eval",
      dueDate: at(7 * 24 * 60),
      status: "WONT_DO",
      wontDoReason: "Floor from prior covers it",
    },
  ],
};

const headings = (markdown: string) => markdown.split("\n").filter((line) => line.startsWith("## "));

describe("postmortemToMarkdown", () => {
  const markdown = postmortemToMarkdown(doc);

  it("has the export's sections in order", () => {
    expect(markdown.startsWith("# Support router v14 misroutes nickname-heavy tickets\n")).toBe(true);
    expect(headings(markdown)).toEqual([
      "## Summary",
      "## Impact",
      "## Timeline",
      "## Detection",
      "## Durations",
      "## Missed offline check",
      "## Gate addition",
      "## Action items",
      "## Lessons",
    ]);
  });

  it("states what was rolled back to what", () => {
    expect(markdown).toContain("- **Rolled back:** v14 → v13");
    expect(markdown).toContain("- **Authors:** Ana Ops, Ben Eval");
  });

  it("lists the timeline by time, with extra events merged in", () => {
    const timeline = markdown.split("## Timeline")[1]!.split("## Detection")[0]!;
    expect(timeline.trim().split("\n")).toEqual([
      "- **2026-06-14 09:00:00 UTC** — Bad version went live",
      "- **2026-06-17 03:00:00 UTC** — Impact started",
      "- **2026-06-17 09:00:00 UTC** — Detected",
      "- **2026-06-17 09:01:00 UTC** — Rollback requested",
      "- **2026-06-17 09:03:00 UTC** — Approved",
      "- **2026-06-17 09:05:00 UTC** — Ramp at 10% to v13; canary recovering",
      "- **2026-06-17 09:09:00 UTC** — Rollback completed",
    ]);
  });

  it("renders the computed durations", () => {
    expect(markdown).toContain("| Time to detect | 6h |");
    expect(markdown).toContain("| Time to decide | 2m |");
    expect(markdown).toContain("| Time to execute | 6m |");
    expect(markdown).toContain("| Time to roll back | 9m |");
    expect(markdown).toContain("| Exposure window | 3d |");
  });

  it("explains the missed check and the gate addition", () => {
    expect(markdown).toContain(
      "- **Suite:** regression-set\n- **Why it missed:** The suite lacked the category that failed",
    );
    expect(markdown).toContain("- **Status:** IMPLEMENTED");
  });

  it("escapes table cells and shows why an item will not be done", () => {
    expect(markdown).toContain("| 1 | Source surge tickets \\| triaged | Ana Ops | 2026-07-01 | OPEN |");
    expect(markdown).toContain("| 2 | Page on 0.85 | Ben Eval | 2026-06-24 | WONT_DO: Floor from prior covers it |");
  });

  it("carries the ordering warnings into the timeline", () => {
    const out = postmortemToMarkdown({ ...doc, timestamps: { ...doc.timestamps, approvedAt: at(0) } });
    expect(out).toContain("> **Warning:** approved (2026-06-17T09:00:00.000Z) is before rollback requested");
  });

  it("marks what is not recorded rather than leaving a section empty", () => {
    const out = postmortemToMarkdown({
      ...doc,
      summary: "",
      lessons: " ",
      timestamps: {},
      events: [],
      missedCheck: null,
      gateAddition: null,
      actionItems: [],
    });
    expect(out).toContain("## Summary\n\n_Not recorded._");
    expect(out).toContain("## Timeline\n\n_Not recorded._");
    expect(out).toContain("| Time to roll back | — |");
    expect(out).toContain("## Action items\n\n_None._");
    expect(out.endsWith("## Lessons\n\n_Not recorded._\n")).toBe(true);
  });
});

describe("postmortemToMarkdown with hostile text", () => {
  const hostile: PostmortemDocument = {
    ...doc,
    title: "<script>alert('title')</script>",
    summary: "See <img src=x onerror=alert(1)> and [the runbook](javascript:alert(2)).",
    whatHappened: "[ref link][r]\n\n[r]: javascript:alert(3)\n\n<javascript:alert(4)>",
    impact: '<a href="javascript:alert(5)">dashboard</a> and [entity](&#106;avascript:alert(6)) and ![img](javascript:alert(7))',
    lessons: "<iframe src=//evil.example></iframe>\\<b>bold</b>",
    actionItems: [{ title: "<svg onload=alert(8)>", owner: "[me](javascript:alert(9))", dueDate: at(60), status: "OPEN", wontDoReason: null }],
  };
  // The most permissive CommonMark renderer: raw HTML and any link scheme pass through untouched.
  const html = micromark(postmortemToMarkdown(hostile), { allowDangerousHtml: true, allowDangerousProtocol: true });

  it("passes no raw HTML through: it is shown as text", () => {
    expect(html).not.toMatch(/<(script|img|iframe|svg|a |b>)/i);
    expect(html).toContain("&lt;script&gt;alert('title')&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("makes no javascript: link, however it is spelled", () => {
    expect(html).not.toMatch(/href="\s*(javascript|&#)/i);
    expect(html).not.toMatch(/src="\s*javascript/i);
  });

  it("keeps plain web links readable", () => {
    const withLink = postmortemToMarkdown({ ...doc, summary: "Dashboard: https://grafana.example.com/d/abc" });
    expect(micromark(withLink)).toContain("https://grafana.example.com/d/abc");
  });
});
