import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { runMutation, type MutationContext } from "@/lib/mutation";
import { parseInput } from "@/lib/postmortems/mutation-helpers";
import { currentPairOf, currentPairSelect, pairOf, readinessOf, rehearsalPairSelect } from "./readiness-report";
import { describeSchedule, nextRehearsalWindow } from "./schedule";

export const rehearsalScheduleInput = z
  .object({
    enabled: z.boolean({ message: "enabled must be true or false" }),
    weekday: z.number({ message: "weekday must be a number" }).int().min(0, "weekday is 0 (Sunday) to 6 (Saturday)").max(6, "weekday is 0 (Sunday) to 6 (Saturday)"),
    hourUtc: z.number({ message: "hourUtc must be a number" }).int().min(0, "hourUtc is 0 to 23").max(23, "hourUtc is 0 to 23"),
  })
  .strict();
export type RehearsalScheduleInput = z.infer<typeof rehearsalScheduleInput>;

/** The weekly window changes when the reverse path is exercised, so it takes an approver. */
export async function updateRehearsalSchedule(ctx: MutationContext, deploymentSlug: string, raw: RehearsalScheduleInput) {
  const input = parseInput(rehearsalScheduleInput, raw);
  return runMutation(ctx, "APPROVER", async ({ tx, audit }) => {
    const before = await tx.deployment.findUnique({
      where: { slug: deploymentSlug },
      select: { id: true, rehearsalEnabled: true, rehearsalWeekday: true, rehearsalHourUtc: true },
    });
    if (!before) throw notFound(`deployment ${deploymentSlug}`);
    await tx.deployment.update({
      where: { id: before.id },
      data: { rehearsalEnabled: input.enabled, rehearsalWeekday: input.weekday, rehearsalHourUtc: input.hourUtc },
    });
    await audit({
      action: "rehearsal.schedule_changed",
      targetType: "deployment",
      targetId: deploymentSlug,
      before: { enabled: before.rehearsalEnabled, weekday: before.rehearsalWeekday, hourUtc: before.rehearsalHourUtc },
      after: input,
    });
    return input;
  });
}

const rehearsalSelect = {
  id: true,
  status: true,
  trigger: true,
  priorReachable: true,
  trafficShifted: true,
  consumersAcknowledged: true,
  backLegMs: true,
  forwardLegMs: true,
  failureReason: true,
  requestedBy: true,
  startedAt: true,
  finishedAt: true,
  operationId: true,
  ...rehearsalPairSelect,
} as const;

/** Each deployment with its schedule, readiness (from its history), last pass and recent history. */
export async function listRehearsalOverview(now: Date = new Date(), historyPerDeployment = 10) {
  const deployments = await db().deployment.findMany({
    orderBy: { slug: "asc" },
    select: {
      slug: true,
      rehearsalEnabled: true,
      rehearsalWeekday: true,
      rehearsalHourUtc: true,
      ...currentPairSelect,
      rollbackPlan: { select: { sloRollbackSeconds: true } },
      rehearsals: { orderBy: { startedAt: "desc" }, take: 50, select: rehearsalSelect },
    },
  });
  return deployments.map((d) => {
    const schedule = { enabled: d.rehearsalEnabled, weekday: d.rehearsalWeekday, hourUtc: d.rehearsalHourUtc };
    const history = d.rehearsals.map((r) => ({ ...r, pair: pairOf(r) }));
    const readiness = readinessOf(history, currentPairOf(d), d.rollbackPlan?.sloRollbackSeconds ?? null, now);
    return {
      deployment: d.slug,
      schedule,
      scheduleText: describeSchedule(schedule),
      nextWindow: nextRehearsalWindow(schedule, now),
      readiness,
      history: history.slice(0, historyPerDeployment),
    };
  });
}

/** One deployment's readiness (its rehearsals against its rollback SLO), for its badge on the deployment pages. */
export async function getDeploymentReadiness(deploymentSlug: string, now: Date = new Date()) {
  const deployment = await db().deployment.findUnique({
    where: { slug: deploymentSlug },
    select: {
      ...currentPairSelect,
      rollbackPlan: { select: { sloRollbackSeconds: true } },
      rehearsals: { orderBy: { startedAt: "desc" }, take: 50, select: { status: true, startedAt: true, finishedAt: true, failureReason: true, backLegMs: true, ...rehearsalPairSelect } },
    },
  });
  if (!deployment) throw notFound(`deployment ${deploymentSlug}`);
  const history = deployment.rehearsals.map((r) => ({ ...r, pair: pairOf(r) }));
  return readinessOf(history, currentPairOf(deployment), deployment.rollbackPlan?.sloRollbackSeconds ?? null, now);
}

/** The public JSON of `GET /api/v1/rehearsals/{id}`; field names are a contract. */
export async function getRehearsal(id: string) {
  const row = await db().rehearsal.findUnique({ where: { id }, select: { ...rehearsalSelect, deployment: { select: { slug: true } } } });
  if (!row) throw notFound(`rehearsal ${id}`);
  return {
    id: row.id,
    status: row.status,
    deployment: row.deployment.slug,
    trigger: row.trigger,
    priorReachable: row.priorReachable,
    trafficShifted: row.trafficShifted,
    consumersAcknowledged: row.consumersAcknowledged,
    backLegMs: row.backLegMs,
    forwardLegMs: row.forwardLegMs,
    failureReason: row.failureReason,
    requestedBy: row.requestedBy,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    operationId: row.operationId,
    liveVersion: row.liveVersion?.version ?? null,
    priorVersion: row.priorVersion?.version ?? null,
    links: {
      self: `/api/v1/rehearsals/${row.id}`,
      operation: row.operationId ? `/api/v1/rollbacks/${row.operationId}` : null,
      deployment: `/deployments/${row.deployment.slug}`,
    },
  };
}
