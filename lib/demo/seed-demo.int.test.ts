import { describe, expect, it } from "vitest";
import { analyticsCsv, loadAnalytics } from "@/lib/analytics/load-analytics";
import { db } from "@/lib/db";
import { getDeployment } from "@/lib/deployments/get-deployment";
import { getDeploymentTimeline } from "@/lib/deployments/get-deployment-timeline";
import { checkRollbackable } from "@/lib/deployments/lifecycle";
import { loadDeploymentSnapshot } from "@/lib/deployments/snapshot-store";
import { getPostmortem } from "@/lib/postmortems/get-postmortem";
import { getDegradation } from "@/lib/degradation/get-degradation";
import { listRehearsalOverview } from "@/lib/rehearsals/manage-rehearsals";
import { getReadinessReport } from "@/lib/rehearsals/readiness-report";
import { demoSummary, seedDemo } from "./seed-demo";
import { DEMO_TIME_ANCHOR_KEY, demoTimeline } from "./seed-registry";

// The demo a newcomer sees on the first `npm start`: the worked example, told end to end.
describe("seedDemo", () => {
  let seededBy: Date;
  /** Transactions from this one on wrote the demo; other test files share the database. */
  let firstSeedXid: number;
  const lines: string[] = [];

  it("seeds once; a second run changes nothing", async () => {
    const [{ xid }] = (await db().$queryRaw<{ xid: bigint }[]>`SELECT txid_current() % 4294967296 AS xid`) as [{ xid: bigint }];
    firstSeedXid = Number(xid);
    expect(await seedDemo((line) => lines.push(line))).toBe("seeded");
    seededBy = new Date();
    expect(await seedDemo()).toBe("already-seeded");
    expect(await db().model.count({ where: { slug: "support-router" } })).toBe(1);
  });

  it("dates every event in the past: nothing 'approved in 21 h' on a fresh demo", async () => {
    // Retention dates are deadlines, in the future by definition; everything else happened.
    const deadlines = new Set(["ModelVersion.retainUntil"]);
    const columns = await db().$queryRaw<{ table: string; column: string }[]>`
      SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
       WHERE table_schema = current_schema() AND data_type LIKE 'timestamp%'`;
    expect(columns.length).toBeGreaterThan(20);
    const future: string[] = [];
    for (const { table, column } of columns) {
      if (deadlines.has(`${table}.${column}`)) continue;
      const [row] = await db().$queryRawUnsafe<{ latest: Date | null }[]>(`SELECT max("${column}") AS latest FROM "${table}" WHERE xmin::text::bigint > $1`, firstSeedXid);
      if (row?.latest && row.latest.getTime() > seededBy.getTime()) future.push(`${table}.${column} ${row.latest.toISOString()}`);
    }
    expect(future).toEqual([]);
  });

  it("prints the summary the database holds, the same the UI shows", async () => {
    const summary = await demoSummary();
    expect(summary).toEqual(["support-router: v13 live, v11 prior (rolled back: v12, v14)", "faq-answerer: v2 live, v1 prior"]);
    for (const line of summary) expect(lines).toContain(`demo: ${line}`);
    expect(lines.join("\n")).not.toContain("v14 live");
  });

  it("tells the worked example: v14 promoted, slid below v13's floor, rolled back to v13 within nine minutes", async () => {
    const anchor = await db().setting.findUniqueOrThrow({ where: { key: DEMO_TIME_ANCHOR_KEY } });
    const timeline = demoTimeline(new Date(anchor.value as string));
    const deployment = await getDeployment("support-router");
    expect(deployment).toMatchObject({ liveVersion: "v13", priorVersion: "v11" });
    expect(deployment.consumers.map((c) => c.name)).toEqual(["escalation-agent", "reply-drafter", "triage-agent"]);
    const statuses = await db().deploymentVersion.findMany({
      where: { deployment: { slug: "support-router" } },
      include: { version: { select: { version: true } } },
    });
    const v14 = statuses.find((s) => s.version.version === "v14");
    expect(v14).toMatchObject({ status: "ROLLED_BACK", productionFailure: expect.stringContaining("nickname-heavy") });
    expect(statuses.find((s) => s.version.version === "v12")?.status).toBe("ROLLED_BACK");

    const history = await getDeploymentTimeline("support-router");
    expect(history.filter((e) => e.kind === "promotion").map((e) => (e.kind === "promotion" ? e.version : ""))).toEqual(["v14", "v13", "v12", "v11"]);
    expect(history.some((e) => e.kind === "rollback")).toBe(true);

    const detection = await db().detection.findFirstOrThrow({ where: { deployment: { slug: "support-router" } } });
    expect(detection.detectedAt.getTime()).toBeGreaterThan(timeline.v14PromotedAt.getTime() + 2 * 86_400_000);
    expect(detection.timeToDetectMs).toBeGreaterThan(0);
    expect(await db().metricPoint.count({ where: { deploymentId: detection.deploymentId } })).toBeGreaterThan(10_000);

    const { id } = await db().deployment.findUniqueOrThrow({ where: { slug: "support-router" } });
    const snapshot = await db().$transaction((tx) => loadDeploymentSnapshot(tx, id));
    expect(checkRollbackable(snapshot.snapshot).ok).toBe(true);

    const quiet = await getDeployment("faq-answerer");
    expect(quiet).toMatchObject({ liveVersion: "v2", priorVersion: "v1" });
  });

  it("closes the worked example's postmortem with its gate addition, and leaves a draft to review", async () => {
    const deployment = await db().deployment.findUniqueOrThrow({ where: { slug: "support-router" } });
    const rows = await db().postmortem.findMany({ where: { deploymentId: deployment.id }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => r.status).sort()).toEqual(["CLOSED", "DRAFT"]);
    const worked = await getPostmortem(rows.find((r) => r.status === "CLOSED")!.id);
    expect(worked).toMatchObject({ badVersion: "v14", priorVersion: "v13", fields: { missedCheckReason: "MISSING_CATEGORY" }, gateAddition: { status: "ENFORCED" }, missingFields: [], closureBlockers: [] });
    expect(worked.gateAddition?.description).toContain("nickname-and-shorthand");
    expect(worked.fields.missedCheckDetail).toContain("no terse, all-caps, nickname-heavy tickets");
    expect(worked.durations.timeToRollbackMs).toBe(9 * 60_000);
    expect(worked.durations.timeToDetectMs).toBeGreaterThan(0);
    expect(worked.warnings).toEqual([]);
    expect(worked.actionItems.every((i) => i.status === "DONE")).toBe(true);
  });

  it("shows rehearsals with one failure, and analytics built from the same rows", async () => {
    const overview = await listRehearsalOverview();
    const faq = overview.find((o) => o.deployment === "faq-answerer");
    expect(faq?.readiness).toMatchObject({ tone: "bad", reason: expect.stringContaining("prior version v1 refused by the serving plane") });
    // The last rehearsal ran while v14 was live; since v14's rollback, v13 → v11 has not been rehearsed.
    expect(overview.find((o) => o.deployment === "support-router")?.readiness).toMatchObject({
      tone: "warn",
      label: "not rehearsed",
      lastOtherPair: { pair: "v14 → v13", status: "PASSED" },
    });
    const pairs = overview.find((o) => o.deployment === "support-router")!.history.map((r) => r.pair);
    expect(pairs).toEqual([{ live: "v14", prior: "v13" }, { live: "v13", prior: "v11" }, { live: "v13", prior: "v11" }]);

    const analytics = await loadAnalytics({ deployment: "support-router", period: "week", days: 90 });
    expect(analytics.totals.ttr).toMatchObject({ count: 2, medianMs: expect.any(Number) });
    expect(analytics.totals.rehearsalPass).toMatchObject({ numerator: 3, denominator: 3, rate: 1 });
    expect(analyticsCsv(analytics, "incidents").split("\r\n")[0]).toBe(
      "deployment,rollback_id,postmortem_id,detected_at,completed_at,time_to_detect_ms,time_to_rollback_ms",
    );
  });

  it("shows a rollback SLO, readiness indicator history and one past degradation", async () => {
    const report = await getReadinessReport("support-router");
    expect(report.slo).toEqual({ rollbackSeconds: 600, detectSeconds: null });
    expect(report.indicators.consumerAcknowledgement.slowest?.consumer).toBe("reply-drafter");
    expect(report.indicators.consumerAcknowledgement.history.length).toBeGreaterThanOrEqual(6);
    expect(report.indicators.manifestReachability.history.every((h) => h.reachable)).toBe(true);
    expect(report.indicators.memoryDivergence.history.map((h) => h.diverged)).toEqual([true, true, false]);
    // The rehearsals covered v14 → v13 before the incident; today's pair has not been rehearsed.
    expect(report.verdict).toMatchObject({ tone: "warn", label: "not rehearsed" });

    const degradation = await getDegradation("support-router");
    expect(degradation.level).toBe("normal");
    expect(degradation.history.map((c) => [c.from, c.to])).toEqual([
      ["fallback", "normal"],
      ["normal", "fallback"],
    ]);
    const deployment = await db().deployment.findUniqueOrThrow({ where: { slug: "support-router" } });
    const closed = await db().postmortem.findFirstOrThrow({ where: { deploymentId: deployment.id, status: "CLOSED" } });
    const postmortem = await getPostmortem(closed.id);
    expect(postmortem.sloLines[0]).toEqual({ met: true, text: "Rollback SLO met: rolled back in 9m against a 10m target." });
    expect(postmortem.timeline.some((e) => e.source === "degradation" && e.description.startsWith("Degraded to fallback by operator@reversegate.dev"))).toBe(true);
  });
});
