import "server-only";
import type { Prisma } from "@prisma/client";
import { SYSTEM_ACTOR } from "@/lib/actor";
import { db } from "@/lib/db";
import { newRequestId, runMutation } from "@/lib/mutation";
import { setDegradation } from "@/lib/degradation/set-degradation";
import { requestRollback } from "@/lib/rollbacks/request-rollback";
import { loadDeploymentContext } from "./deployment-context";
import { downsampleMinMax } from "./downsample";
import { evaluateWindow, type WindowVerdict } from "./evaluator";
import { degradeLevelOf } from "./policy";
import { policyRuleOf, type Verdict } from "./policy-store";
import { resolveFloor } from "./resolve-floor";
import { metricSourceFor } from "./sources/for-policy";
import { MetricSourceError } from "./sources/source";
import type { MetricSample } from "./types";

/** Namespace of the per-deployment advisory lock (the first half of the two-int key). */
const EVALUATION_LOCK_NAMESPACE = 0x52_47_45_56;
/** How far before the window the regression start may be walked back. */
const MAX_WALK_BACK_MS = 6 * 3_600_000;
const MAX_EVIDENCE_POINTS = 500;

export type EvaluationOutcome =
  | { status: "missing" }
  | { status: "busy"; intervalSeconds: number }
  | {
      status: "evaluated";
      intervalSeconds: number;
      verdict: Verdict;
      /** Set when this evaluation recorded a new detection. */
      detectionId: string | null;
      /** The rollback the detection requested, or why the request failed. */
      rollback: { id: string; status: string } | { error: string } | null;
      /** For a `degrade:<level>` action: the level the deployment now serves at, or why it could not. */
      degradation: { level: string; status: string } | { error: string } | null;
    };

type Log = (line: string) => void;

/**
 * One evaluation tick of one policy, at `now` (normally the wall clock; a metric that stopped
 * reporting reads as a trailing gap, i.e. "no data", never as healthy).
 *
 * Runs under a per-deployment advisory lock so that several workers never evaluate the same
 * deployment at once (the loser answers `busy`), and inserts the detection with
 * `ON CONFLICT DO NOTHING` against the partial unique index "one open detection per deployment,
 * metric and version", so a breach that is still there on the next tick does not fire twice.
 * The verdict, its statistics and the detection commit together, with the audit event.
 */
export async function evaluatePolicy(policyId: string, options: { now?: number; log?: Log } = {}): Promise<EvaluationOutcome> {
  const log = options.log ?? (() => {});
  const policyRow = await db().rollbackPolicy.findUnique({ where: { id: policyId } });
  if (!policyRow) return { status: "missing" };
  const policy = policyRuleOf(policyRow);
  const intervalSeconds = policy.evaluationIntervalSeconds;
  const ctx = { actor: SYSTEM_ACTOR, requestId: newRequestId() };

  const result = await runMutation(ctx, "OPERATOR", async ({ tx, audit }) => {
    const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`
      SELECT pg_try_advisory_xact_lock(${EVALUATION_LOCK_NAMESPACE}::int, ${policyRow.deploymentId}::int) AS locked`;
    if (!lock?.locked) return null;
    // Read after the lock: the tick that held it may have just recorded a detection.
    const now = options.now ?? Date.now();
    const context = await loadDeploymentContext({ id: policyRow.deploymentId });
    const record = async (verdict: Verdict, stats: Record<string, unknown>) => {
      await tx.rollbackPolicy.update({
        where: { id: policyId },
        data: { lastEvaluatedAt: new Date(now), lastVerdict: verdict, lastStats: stats as Prisma.InputJsonValue },
      });
    };
    if (!context.live) {
      await record("no_data", { reason: "the deployment has no live version" });
      return { verdict: "no_data" as const, detectionId: null };
    }
    const source = metricSourceFor(policyRow);
    const floor = await resolveFloor(policy.floor, policy.direction, policy.metric, context, source);
    if (floor.kind === "unavailable") {
      await record("no_data", { version: context.live.version, reason: `no floor: ${floor.reason}` });
      return { verdict: "no_data" as const, detectionId: null };
    }

    const windowMs = policy.windowSeconds * 1000;
    const from = Math.max(context.live.since.getTime(), now - windowMs - Math.max(windowMs, MAX_WALK_BACK_MS));
    let samples: MetricSample[];
    try {
      samples = await source.window(
        { deploymentId: context.id, deployment: context.slug, metric: policy.metric, versionId: context.live.id, version: context.live.version },
        { from, to: now, stepSeconds: policy.sampleIntervalSeconds },
      );
    } catch (error) {
      // The source could not answer: an error on the policy, never a breach or a pass.
      if (!(error instanceof MetricSourceError)) throw error;
      await record("error", { version: context.live.version, code: error.kind, reason: `${error.kind} error: ${error.message}` });
      return { verdict: "error" as const, detectionId: null };
    }
    const verdict: WindowVerdict = evaluateWindow({
      samples,
      now,
      windowSeconds: policy.windowSeconds,
      minSamples: policy.minSamples,
      floor: floor.value,
      direction: policy.direction,
      expectedSampleIntervalSeconds: policy.sampleIntervalSeconds,
    });
    const windowStats = {
      version: context.live.version,
      windowStart: new Date(verdict.windowStart).toISOString(),
      windowEnd: new Date(verdict.windowEnd).toISOString(),
      ...verdict.stats,
      firstTs: verdict.stats.firstTs === null ? null : new Date(verdict.stats.firstTs).toISOString(),
      lastTs: verdict.stats.lastTs === null ? null : new Date(verdict.stats.lastTs).toISOString(),
      floor: floor.value,
      floorSource: floor.source.description,
      ...(verdict.verdict === "no_data" ? { code: verdict.code, reason: verdict.reason } : {}),
    };
    await record(verdict.verdict, windowStats);
    if (verdict.verdict !== "breach") return { verdict: verdict.verdict, detectionId: null };

    const evidence =
      verdict.evidence.length > MAX_EVIDENCE_POINTS ? downsampleMinMax(verdict.evidence, MAX_EVIDENCE_POINTS) : verdict.evidence;
    const created = await tx.detection.createManyAndReturn({
      data: [
        {
          deploymentId: context.id,
          policyId,
          versionId: context.live.id,
          metric: policy.metric,
          regressionStartedAt: new Date(verdict.regressionStartedAt),
          detectedAt: new Date(verdict.detectedAt),
          timeToDetectMs: verdict.timeToDetectMs,
          windowStats,
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
        version: context.live.version,
        regressionStartedAt: new Date(verdict.regressionStartedAt).toISOString(),
        detectedAt: new Date(verdict.detectedAt).toISOString(),
        timeToDetectMs: verdict.timeToDetectMs,
        floor: floor.value,
        floorSource: floor.source.description,
        action: policy.action,
      },
    });
    return { verdict: "breach" as const, detectionId: detection.id, slug: context.slug, version: context.live.version, floor: floor.value };
  });

  if (!result) return { status: "busy", intervalSeconds };
  let degradation: { level: string; status: string } | { error: string } | null = null;
  const degradeTo = degradeLevelOf(policy.action);
  if (result.detectionId && "slug" in result && degradeTo !== null) {
    // First, in this same tick: shed load now; the rollback requested below waits for a person.
    log(`detection ${result.detectionId}: degrading ${result.slug} to ${degradeTo} while the rollback waits for approval`);
    try {
      const { change } = await setDegradation(ctx, {
        deploymentSlug: result.slug,
        level: degradeTo,
        reason: `${policy.metric} on ${result.version} held below its floor ${result.floor} for the whole ${policy.windowSeconds}-second window (detection ${result.detectionId})`,
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
    log(`detection ${result.detectionId}: ${result.slug} ${policy.metric} on ${result.version} below the floor ${result.floor} for the whole window; requesting a rollback`);
    try {
      // Its own transaction: the detection stands even when the rollback cannot be opened
      // (e.g. one is already in flight), and the idempotency key makes a repeat harmless.
      const opened = await requestRollback(ctx, {
        deploymentSlug: result.slug,
        mode: "plan",
        reason: `${policy.metric} on ${result.version} held below its floor ${result.floor} for the whole ${policy.windowSeconds}-second window (detection ${result.detectionId})`,
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
  return { status: "evaluated", intervalSeconds, verdict: result.verdict, detectionId: result.detectionId, rollback, degradation };
}
