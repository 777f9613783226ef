import "server-only";
import type { Prisma } from "@prisma/client";
import { SYSTEM_ACTOR } from "@/lib/actor";
import { db } from "@/lib/db";
import { formatNumber } from "@/lib/format-number";
import { newRequestId, runMutation } from "@/lib/mutation";
import { setDegradation } from "@/lib/degradation/set-degradation";
import { requestRollback } from "@/lib/rollbacks/request-rollback";
import { announceDetection } from "@/lib/webhooks/announce-detection";
import { deliverWebhookEvent } from "@/lib/webhooks/deliver-webhook";
import { loadDeploymentContext, type DeploymentContext } from "./deployment-context";
import { downsampleMinMax } from "./downsample";
import { judgePolicy } from "./judge-policy";
import { degradeLevelOf } from "./policy";
import { policyRuleOf, recordVerdict, type Verdict } from "./policy-store";
import { metricSourceFor } from "./sources/for-policy";

/** Namespace of the per-deployment advisory lock (the first half of the two-int key). */
const EVALUATION_LOCK_NAMESPACE = 0x52_47_45_56;
const MAX_EVIDENCE_POINTS = 500;

export type EvaluationOutcome =
  | { status: "missing" }
  | { status: "busy"; intervalSeconds: number }
  /** `onlyIfDue` and the policy was evaluated less than one interval ago (by another worker, say). */
  | { status: "not_due"; dueAt: number }
  | {
      status: "evaluated";
      intervalSeconds: number;
      /** The evaluation's clock, now recorded as the policy's lastEvaluatedAt. */
      evaluatedAt: number;
      verdict: Verdict;
      /** Set when this evaluation recorded a new detection. */
      detectionId: string | null;
      /** The rollback the detection requested, or why the request failed. */
      rollback: { id: string; status: string } | { error: string } | null;
      /** For a `degrade:<level>` action: the level the deployment now serves at, or why it could not. */
      degradation: { level: string; status: string } | { error: string } | null;
    };

type Log = (line: string) => void;

const sameVersions = (a: DeploymentContext, b: DeploymentContext) => a.live?.id === b.live?.id && a.live?.since.getTime() === b.live?.since.getTime() && a.prior?.id === b.prior?.id;

/**
 * One evaluation tick of one policy, at `now` (normally the wall clock; a metric that stopped
 * reporting reads as a trailing gap, i.e. "no data", never as healthy).
 *
 * The metric source is read first, outside any transaction (it may be a remote Prometheus that
 * takes seconds). The verdict is then recorded under a per-deployment advisory lock, so that
 * several workers never record for the same deployment at once (the loser answers `busy`, as
 * does a tick whose deployment changed versions while it read), and the detection is inserted
 * with `ON CONFLICT DO NOTHING` against the partial unique index "one open detection per
 * deployment, metric and version", so a breach that is still there on the next tick does not
 * fire twice. The verdict, its statistics and the detection commit together, with the audit
 * event. A source that cannot answer is an `error` verdict; `consecutiveErrorLimit` of them in a
 * row notify once (audit and webhook `policy.failing`) until the source answers again.
 */
export async function evaluatePolicy(policyId: string, options: { now?: number; log?: Log; onlyIfDue?: boolean } = {}): Promise<EvaluationOutcome> {
  const log = options.log ?? (() => {});
  const policyRow = await db().rollbackPolicy.findUnique({ where: { id: policyId } });
  if (!policyRow) return { status: "missing" };
  const policy = policyRuleOf(policyRow);
  const intervalSeconds = policy.evaluationIntervalSeconds;
  const ctx = { actor: SYSTEM_ACTOR, requestId: newRequestId() };
  const now = options.now ?? Date.now();
  // Scheduled ticks can overlap (a worker's start-up dispatch beside a running chain): the
  // policy's own record of its last evaluation keeps them an interval apart. Checked here to
  // spare the source a read, and again under the lock, where it is decided.
  const dueAt = (lastEvaluatedAt: Date | null) => (lastEvaluatedAt?.getTime() ?? 0) + intervalSeconds * 1000;
  if (options.onlyIfDue && now < dueAt(policyRow.lastEvaluatedAt)) return { status: "not_due", dueAt: dueAt(policyRow.lastEvaluatedAt) };
  const context = await loadDeploymentContext({ id: policyRow.deploymentId });
  const judgement = await judgePolicy(policy, metricSourceFor(policyRow), context, now);

  const result = await runMutation(ctx, "OPERATOR", async ({ tx, audit }) => {
    const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`
      SELECT pg_try_advisory_xact_lock(${EVALUATION_LOCK_NAMESPACE}::int, ${policyRow.deploymentId}::int) AS locked`;
    if (!lock?.locked) return null;
    if (options.onlyIfDue) {
      const { lastEvaluatedAt } = await tx.rollbackPolicy.findUniqueOrThrow({ where: { id: policyId }, select: { lastEvaluatedAt: true } });
      if (now < dueAt(lastEvaluatedAt)) return { notDueUntil: dueAt(lastEvaluatedAt) };
    }
    // A promotion or rollback while the source was read: this verdict is about the old versions.
    if (!sameVersions(context, await loadDeploymentContext({ id: policyRow.deploymentId }))) return null;

    await recordVerdict(tx, policyId, judgement.verdict, judgement.stats, new Date(now));
    if (judgement.verdict === "error") {
      const message = String(judgement.stats.reason);
      const counted = await tx.rollbackPolicy.update({
        where: { id: policyId },
        data: { consecutiveErrors: { increment: 1 }, lastError: message, lastErrorAt: new Date(now) },
        select: { consecutiveErrors: true, consecutiveErrorLimit: true, errorLimitNotifiedAt: true },
      });
      if (counted.consecutiveErrors < counted.consecutiveErrorLimit || counted.errorLimitNotifiedAt) return { verdict: judgement.verdict, detectionId: null };
      await tx.rollbackPolicy.update({ where: { id: policyId }, data: { errorLimitNotifiedAt: new Date(now) } });
      const failing = { deployment: context.slug, metric: policy.metric, consecutiveErrors: counted.consecutiveErrors, lastError: message };
      await audit({ action: "policy.failing", targetType: "RollbackPolicy", targetId: policyId, after: failing });
      return { verdict: judgement.verdict, detectionId: null, failing };
    }
    await tx.rollbackPolicy.update({ where: { id: policyId }, data: { consecutiveErrors: 0, errorLimitNotifiedAt: null } });
    if (judgement.verdict !== "breach") return { verdict: judgement.verdict, detectionId: null };

    const live = context.live!;
    const { breach, floor } = judgement;
    const evidence = breach.evidence.length > MAX_EVIDENCE_POINTS ? downsampleMinMax(breach.evidence, MAX_EVIDENCE_POINTS) : breach.evidence;
    const created = await tx.detection.createManyAndReturn({
      data: [
        {
          deploymentId: context.id,
          policyId,
          versionId: live.id,
          metric: policy.metric,
          regressionStartedAt: new Date(breach.regressionStartedAt),
          detectedAt: new Date(breach.detectedAt),
          timeToDetectMs: breach.timeToDetectMs,
          windowStats: judgement.stats as Prisma.InputJsonValue,
          floorValue: floor.value,
          floorSource: floor.source.description,
          evidence: evidence.map((p) => ({ ts: new Date(p.ts).toISOString(), value: p.value, sampleCount: p.sampleCount })),
          action: policyRow.action,
        },
      ],
      // The partial unique index turns a second firing (another worker, the next tick) into nothing.
      skipDuplicates: true,
      select: { id: true },
    });
    const detection = created[0];
    if (!detection) return { verdict: "breach" as const, detectionId: null };
    await audit({
      action: "detection.created",
      targetType: "Detection",
      targetId: detection.id,
      after: {
        deployment: context.slug,
        metric: policy.metric,
        version: live.version,
        regressionStartedAt: new Date(breach.regressionStartedAt).toISOString(),
        detectedAt: new Date(breach.detectedAt).toISOString(),
        timeToDetectMs: breach.timeToDetectMs,
        floor: floor.value,
        floorSource: floor.source.description,
        action: policy.action,
      },
    });
    return { verdict: "breach" as const, detectionId: detection.id, slug: context.slug, version: live.version, floor: floor.value };
  });

  if (!result) return { status: "busy", intervalSeconds };
  if (result.notDueUntil !== undefined) return { status: "not_due", dueAt: result.notDueUntil };
  if (result.detectionId) announceDetection(result.detectionId);
  if ("failing" in result && result.failing) {
    const { failing } = result;
    log(`policy ${policyId}: ${failing.consecutiveErrors} evaluations in a row failed: ${failing.lastError}`);
    await deliverWebhookEvent({
      event: "policy.failing",
      text: `${failing.deployment}: the ${failing.metric} policy could not read its metric ${failing.consecutiveErrors} times in a row — ${failing.lastError}`,
      deployment: failing.deployment,
      reason: failing.lastError,
      details: { metric: failing.metric, consecutiveErrors: failing.consecutiveErrors, policyId },
    });
  }
  let degradation: { level: string; status: string } | { error: string } | null = null;
  const degradeTo = degradeLevelOf(policy.action);
  if (result.detectionId && "slug" in result && degradeTo !== null) {
    // First, in this same tick: shed load now; the rollback requested below waits for a person.
    log(`detection ${result.detectionId}: degrading ${result.slug} to ${degradeTo} while the rollback waits for approval`);
    try {
      const { change } = await setDegradation(ctx, {
        deploymentSlug: result.slug,
        level: degradeTo,
        reason: `${policy.metric} on ${result.version} held below its floor ${formatNumber(result.floor)} for the whole ${policy.windowSeconds}-second window (detection ${result.detectionId})`,
        origin: "policy",
        detectionId: result.detectionId,
        idempotencyKey: `detection:${result.detectionId}`,
      });
      degradation = { level: change.servingLevel ?? change.to, status: change.status };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`detection ${result.detectionId}: degrading to ${degradeTo} failed: ${message}`);
      degradation = { error: message };
    }
  }
  let rollback: { id: string; status: string } | { error: string } | null = null;
  if (result.detectionId && "slug" in result && policy.action !== "notify") {
    log(`detection ${result.detectionId}: ${result.slug} ${policy.metric} on ${result.version} below the floor ${formatNumber(result.floor)} for the whole window; requesting a rollback`);
    try {
      // Its own transaction: the detection stands even when the rollback cannot be opened
      // (e.g. one is already in flight), and the idempotency key makes a repeat harmless.
      const opened = await requestRollback(ctx, {
        deploymentSlug: result.slug,
        mode: "plan",
        reason: `${policy.metric} on ${result.version} held below its floor ${formatNumber(result.floor)} for the whole ${policy.windowSeconds}-second window (detection ${result.detectionId})`,
        detectionId: result.detectionId,
        idempotencyKey: `detection:${result.detectionId}`,
        origin: "detection",
      });
      rollback = { id: opened.id, status: opened.status };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`detection ${result.detectionId}: the rollback request failed: ${message}`);
      rollback = { error: message };
    }
  } else if (result.detectionId) {
    log(`detection ${result.detectionId}: ${policy.metric} breached its floor; policy action is notify`);
  }
  return { status: "evaluated", intervalSeconds, evaluatedAt: now, verdict: result.verdict, detectionId: result.detectionId, rollback, degradation };
}
