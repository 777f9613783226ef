import "server-only";
import type { Prisma } from "@prisma/client";
import { SYSTEM_ACTOR } from "@/lib/actor";
import { db } from "@/lib/db";
import { DEMO_DEPLOYMENT, DEMO_METRIC, generateDemoSeries } from "@/lib/metrics/demo-series";
import { newRequestId, runMutation, type MutationScope } from "@/lib/mutation";
import { syncClosedStatus } from "@/lib/postmortems/mutation-helpers";
import { openPostmortemDraft } from "@/lib/postmortems/open-postmortem-draft";
import { beginRollback, checkRollbackable, completeRollback } from "@/lib/deployments/lifecycle";
import { loadDeploymentSnapshot, saveDeploymentSnapshot } from "@/lib/deployments/snapshot-store";
import { DEMO_TIME_ANCHOR_KEY, demoTimeline, v12RollbackCompletedAt } from "./seed-registry";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

type Times = { regressionStartedAt: Date | null; detectedAt: Date; requestedAt: Date; approvedAt: Date; completedAt: Date };

/** The planned steps of a finished ramp rollback (10 % then 100 %), spread over its execution. */
function rampSteps(t: Times): Prisma.RollbackStepCreateWithoutOperationInput[] {
  const at = (offsetMs: number) => new Date(t.approvedAt.getTime() + offsetMs);
  const span = t.completedAt.getTime() - t.approvedAt.getTime();
  const plan: [string, Record<string, unknown>, number, number][] = [
    ["preflight", { leg: "back" }, 0, 2_000],
    ["restore_manifest", { leg: "back" }, 2_000, 5_000],
    ["pin_prior", { leg: "back" }, 5_000, 8_000],
    ["shift_traffic", { leg: "back", percent: 10, dwellSeconds: Math.round((span - 90_000) / 1000) }, 8_000, span - 80_000],
    ["shift_traffic", { leg: "back", percent: 100, dwellSeconds: 0 }, span - 80_000, span - 70_000],
    ["invalidate_consumers", { leg: "back" }, span - 70_000, span - 5_000],
    ["verify", { leg: "back" }, span - 5_000, span],
  ];
  return plan.map(([name, params, start, end], position) => ({
    position,
    name,
    params: params as Prisma.InputJsonValue,
    status: "SUCCEEDED",
    attempts: 1,
    startedAt: at(start),
    finishedAt: at(end),
    // As the executor records it: traffic moves when the stage starts; its dwell follows.
    ...(name === "shift_traffic" ? { detail: { applied: true, appliedAt: at(start).toISOString() } } : {}),
  }));
}

async function versionIds(modelId: number) {
  const rows = await db().modelVersion.findMany({ where: { modelId }, select: { id: true, version: true } });
  return new Map(rows.map((r) => [r.version, r.id]));
}

async function userId(email: string) {
  return (await db().user.findUniqueOrThrow({ where: { email }, select: { id: true } })).id;
}

/** The incident rollback of `from` → `to`: the one already seeded by the rollbacks demo, or a new COMPLETED one. */
async function completedRollback(
  scope: MutationScope,
  deploymentId: number,
  from: number,
  to: number,
  t: Times,
  extra: { reason: string; detectionId: string | null; requestedById: string; requestedByLabel: string; approvedById: string | null },
) {
  const existing = await scope.tx.rollbackOperation.findFirst({
    where: { deploymentId, kind: "INCIDENT", fromVersionId: from, toVersionId: to, status: "COMPLETED" },
    select: { id: true },
  });
  if (existing) return { id: existing.id, created: false };
  const op = await scope.tx.rollbackOperation.create({
    data: {
      deploymentId,
      kind: "INCIDENT",
      mode: "RAMP",
      status: "COMPLETED",
      fromVersionId: from,
      toVersionId: to,
      reason: extra.reason,
      detectionId: extra.detectionId,
      requestedById: extra.requestedById,
      requestedByLabel: extra.requestedByLabel,
      approvedById: extra.approvedById,
      rampStages: [10, 100],
      rampDwellSeconds: 60,
      requestedAt: t.requestedAt,
      approvedAt: t.approvedAt,
      startedAt: t.approvedAt,
      completedAt: t.completedAt,
      decisionNote: extra.approvedById ? null : "policy action is auto",
      steps: { create: rampSteps(t) },
    },
    select: { id: true },
  });
  return { id: op.id, created: true };
}

/** The worked example's outcome on the deployment: v13 live again, v14 ROLLED_BACK with its failure. */
async function putPriorBackLive(scope: MutationScope, deploymentId: number, completedAt: Date) {
  const stored = await loadDeploymentSnapshot(scope.tx, deploymentId);
  const checked = checkRollbackable(stored.snapshot);
  if (!checked.ok) throw new Error(`demo postmortems: ${checked.error.message}`);
  const after = completeRollback(beginRollback(checked.value));
  await saveDeploymentSnapshot(scope.tx, stored, after, {
    now: completedAt,
    productionFailure: {
      version: checked.value.live,
      description: "routed terse, all-caps, nickname-heavy tickets to the catch-all queue; canary accuracy 0.92 → 0.81",
    },
  });
  await scope.tx.deployment.update({ where: { id: deploymentId }, data: { traffic: [{ version: after.live, percent: 100 }] } });
}

/**
 * The worked example's postmortem, complete and CLOSED; a second, older incident's postmortem
 * left in DRAFT for a reviewer to finish; and a few weeks of rehearsals per deployment, one of
 * them failed. Times line up with the registry's timeline and the metrics demo's detection.
 */
export async function seedPostmortems(log: (line: string) => void = () => {}) {
  const deployment = await db().deployment.findUnique({ where: { slug: DEMO_DEPLOYMENT }, select: { id: true, modelId: true } });
  if (!deployment) {
    log("demo postmortems: skipped (no support-router deployment)");
    return;
  }
  if ((await db().postmortem.count({ where: { deploymentId: deployment.id, status: { not: "DRAFT" } } })) > 0) {
    log("demo postmortems: already present");
    return;
  }
  const anchor = await db().setting.findUnique({ where: { key: DEMO_TIME_ANCHOR_KEY } });
  const now = anchor ? new Date(String(anchor.value)) : new Date();
  const timeline = demoTimeline(now);
  const ids = await versionIds(deployment.modelId);
  const [v11, v12, v13, v14] = ["v11", "v12", "v13", "v14"].map((v) => ids.get(v));
  if (!v11 || !v12 || !v13 || !v14) throw new Error("demo postmortems: support-router needs versions v11–v14");
  const omar = await userId("operator@reversegate.dev");
  const ada = await userId("approver@reversegate.dev");
  const abe = await userId("approver2@reversegate.dev");

  // The detection the metrics demo recorded, or the same times replayed from the demo series.
  const detection = await db().detection.findFirst({ where: { deploymentId: deployment.id, metric: DEMO_METRIC, versionId: v14 }, orderBy: { detectedAt: "desc" } });
  const replayed = detection ? null : generateDemoSeries({ promotedAt: timeline.v14PromotedAt.getTime(), intervalSeconds: 60 });
  const detectedAt = detection?.detectedAt ?? new Date(replayed!.detectedAt);
  const regressionStartedAt = detection?.regressionStartedAt ?? new Date(replayed!.regressionStartedAt);
  const worked: Times = {
    regressionStartedAt,
    detectedAt,
    requestedAt: detectedAt,
    approvedAt: new Date(detectedAt.getTime() + 2 * MINUTE),
    completedAt: new Date(detectedAt.getTime() + 9 * MINUTE),
  };

  const ctx = { actor: SYSTEM_ACTOR, requestId: `demo-seed:${newRequestId()}` };
  await runMutation(ctx, "ADMIN", async (scope) => {
    const { tx } = scope;
    const rollback = await completedRollback(scope, deployment.id, v14, v13, worked, {
      reason: "canary_accuracy 0.81 held below the prior floor 0.905 across the 30-minute window",
      detectionId: detection?.id ?? null,
      requestedById: omar,
      requestedByLabel: "operator@reversegate.dev",
      approvedById: ada,
    });
    if (rollback.created) await putPriorBackLive(scope, deployment.id, worked.completedAt);
    const draft = await openPostmortemDraft(scope, rollback.id);
    if (!draft) throw new Error("demo postmortems: the worked example's rollback is not an incident");
    await tx.postmortem.update({
      where: { id: draft.id },
      data: {
        title: "support-router: v14 rolled back to v13 after a nickname-heavy ticket surge",
        severity: "SEV2",
        summary:
          "On v14's third day a marketing campaign brought a surge of terse, all-caps tickets that name the product by its nickname. v14 routed them to the catch-all queue; the canary trigger caught the sustained slide and the reverse gate put v13 back within nine minutes.",
        whatHappened:
          "v14 sent terse, all-caps, nickname-heavy tickets to the catch-all queue at a rate v13 never did. Canary accuracy slid from 0.92 to 0.81 over six hours; after the rollback v13 served at ≈0.91.",
        impact: "Roughly a fifth of routing traffic during the slide landed in the catch-all queue and waited for manual triage.",
        impactTrafficShare: 0.2,
        requestsAffected: 8600,
        trigger: "A marketing campaign drove a surge of a phrasing the training data underrepresented: terse, all-caps, using a product nickname instead of its catalog name.",
        contributingFactors:
          "v14's fine-tuning over-weighted the formal phrasing the labeled set carried. The four-day shadow window closed before the campaign began, so shadow evaluation never saw the phrasing.",
        detectionSignal:
          "canary_accuracy held below the prior floor (v13's p10 of hourly means, less 0.005 ≈ 0.905) across the whole 30-minute window; the one-minute dip on day one did not fire.",
        missedCheckSuite: "regression set (600 historical tickets)",
        missedCheckReason: "MISSING_CATEGORY",
        missedCheckDetail:
          "The regression set had no terse, all-caps, nickname-heavy tickets — all 600 are formal historical tickets — so the gate could not have caught this offline.",
        lessons:
          "The promotion gate was honest about what it measured, and what it measured was not everything. One production regression became one permanent strengthening of the gate: the next candidate that over-weights formal phrasing fails in shadow.",
        impactStartedAt: worked.regressionStartedAt,
        detectedAt: worked.detectedAt,
        rollbackRequestedAt: worked.requestedAt,
        approvedAt: worked.approvedAt,
        completedAt: worked.completedAt,
        badVersionLiveFrom: timeline.v14PromotedAt,
        status: "APPROVED",
        reviewApprovedById: abe,
        reviewApprovedAt: new Date(worked.completedAt.getTime() + 1 * DAY),
        authors: { createMany: { data: [{ userId: ada }], skipDuplicates: true } },
        reviews: { create: [{ actorId: abe, decision: "APPROVE", comment: "The gap is named precisely; ship the category.", at: new Date(worked.completedAt.getTime() + 1 * DAY) }] },
        gateAddition: {
          create: {
            description: "Add a nickname-and-shorthand category to the regression bank, sourced from the surge tickets the support team triaged.",
            suite: "regression-bank/nickname-and-shorthand",
            status: "ENFORCED",
            implementedAt: new Date(worked.completedAt.getTime() + 1.2 * DAY),
            enforcedAt: new Date(worked.completedAt.getTime() + 1.5 * DAY),
            createdAt: new Date(worked.completedAt.getTime() + 0.2 * DAY),
          },
        },
        actionItems: {
          create: [
            { type: "PREVENT", title: "Source the triaged surge tickets into the nickname-and-shorthand category", ownerId: omar, dueDate: new Date(worked.completedAt.getTime() + 2 * DAY), status: "DONE", doneAt: new Date(worked.completedAt.getTime() + 1.1 * DAY) },
            { type: "DETECT", title: "Fail promotion when a candidate scores below the live model on the new category", ownerId: ada, dueDate: new Date(worked.completedAt.getTime() + 2 * DAY), status: "DONE", doneAt: new Date(worked.completedAt.getTime() + 1.5 * DAY) },
          ],
        },
      },
    });
    const status = await syncClosedStatus(scope, draft.id);
    await scope.audit({ action: "postmortem.seeded", targetType: "postmortem", targetId: draft.id, after: { status, demo: "worked example" } });
    log(`demo postmortems: worked example ${draft.id} (${status}) on rollback ${rollback.id}${rollback.created ? " (created here)" : ""}`);
  });

  // An older incident: v12's latency regression three days after its promotion, reported by hand.
  const v12PromotedAt = timeline.supportRouter.v12.promotedAt;
  const olderRequested = new Date(v12PromotedAt.getTime() + 3 * DAY);
  const older: Times = {
    regressionStartedAt: null,
    detectedAt: new Date(olderRequested.getTime() - 25 * MINUTE),
    requestedAt: olderRequested,
    approvedAt: new Date(olderRequested.getTime() + 6 * MINUTE),
    completedAt: v12RollbackCompletedAt(now),
  };
  await runMutation(ctx, "ADMIN", async (scope) => {
    const rollback = await completedRollback(scope, deployment.id, v12, v11, older, {
      reason: "p95 latency doubled on long tickets; support reported timeouts in the triage agent",
      detectionId: null,
      requestedById: omar,
      requestedByLabel: "operator@reversegate.dev",
      approvedById: ada,
    });
    const draft = await openPostmortemDraft(scope, rollback.id);
    if (!draft) throw new Error("demo postmortems: the older rollback is not an incident");
    await scope.tx.postmortem.update({
      where: { id: draft.id },
      data: {
        title: "support-router: v12 rolled back to v11 (latency on long tickets)",
        severity: "SEV3",
        detectedAt: older.detectedAt,
        badVersionLiveFrom: v12PromotedAt,
        summary: "v12 doubled p95 latency on long tickets; the triage agent timed out and the operator rolled back to v11.",
      },
    });
    log(`demo postmortems: draft ${draft.id} for the v12 incident`);
  });

  await seedRehearsals(ctx, now, {
    "support-router": [
      { from: worked.completedAt, live: v13, prior: v11 },
      { from: timeline.v14PromotedAt, live: v14, prior: v13 },
      { from: timeline.supportRouter.v13.promotedAt, live: v13, prior: v11 },
    ],
    "faq-answerer": await faqPairs(timeline),
  }, log);
}

/** When each pair (live → prior) held, newest first; before the oldest there was nothing to rehearse. */
type PairPeriods = { from: Date; live: number; prior: number }[];

async function faqPairs(timeline: ReturnType<typeof demoTimeline>): Promise<PairPeriods> {
  const model = await db().model.findUniqueOrThrow({ where: { slug: "faq-answerer" }, select: { id: true } });
  const ids = await versionIds(model.id);
  return [{ from: timeline.faqAnswerer.v2.promotedAt, live: ids.get("v2")!, prior: ids.get("v1")! }];
}

/**
 * Each demo deployment's weekly window (UTC) is set so the last four windows fall a fixed number
 * of days before `now`; each rehearsal records the pair live then, and a window with no pair yet
 * (before a prior existed) holds none. support-router's latest one ran while v14 was live, so
 * today's v13 → v11 is not rehearsed; faq-answerer's latest one failed.
 */
async function seedRehearsals(
  ctx: { actor: typeof SYSTEM_ACTOR; requestId: string },
  now: Date,
  periods: Record<string, PairPeriods>,
  log: (line: string) => void,
) {
  const daysBefore: Record<string, number> = { "support-router": 4, "faq-answerer": 2 };
  const deployments = await db().deployment.findMany({ where: { slug: { in: Object.keys(daysBefore) } }, select: { id: true, slug: true } });
  await runMutation(ctx, "ADMIN", async ({ tx, audit }) => {
    for (const d of deployments) {
      const latest = new Date(now.getTime() - daysBefore[d.slug]! * DAY);
      const hour = now.getUTCHours();
      await tx.deployment.update({ where: { id: d.id }, data: { rehearsalWeekday: latest.getUTCDay(), rehearsalHourUtc: hour } });
      const windows = [3, 2, 1, 0]
        .map((weeksBefore) => {
          const day = new Date(latest.getTime() - weeksBefore * 7 * DAY);
          return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hour, 0));
        })
        .flatMap((startedAt) => {
          const pair = periods[d.slug]?.find((p) => p.from.getTime() <= startedAt.getTime());
          return pair ? [{ startedAt, pair }] : [];
        });
      const failedLast = d.slug === "faq-answerer";
      for (const [index, { startedAt, pair }] of windows.entries()) {
        const failed = failedLast && index === windows.length - 1;
        const row = await tx.rehearsal.create({
          data: {
            deploymentId: d.id,
            liveVersionId: pair.live,
            priorVersionId: pair.prior,
            trigger: "SCHEDULED",
            status: failed ? "FAILED" : "PASSED",
            priorReachable: !failed,
            trafficShifted: !failed,
            consumersAcknowledged: !failed,
            backLegMs: failed ? 1_900 : 2_400 + index * 130,
            forwardLegMs: failed ? null : 2_100 + index * 90,
            failureReason: failed ? "pin_prior: prior version v1 refused by the serving plane (422 version_refused)" : null,
            requestedBy: "reversegate",
            startedAt,
            finishedAt: new Date(startedAt.getTime() + (failed ? 1_900 : 5_000)),
          },
        });
        await audit({ action: failed ? "rehearsal.failed" : "rehearsal.passed", targetType: "rehearsal", targetId: row.id, after: { deployment: d.slug, demo: true } });
      }
    }
  });
  log(`demo rehearsals: the last four weekly windows of ${deployments.map((d) => d.slug).join(", ")} (faq-answerer's latest failed)`);
}
