import "server-only";
import { quantile } from "@/lib/analytics/aggregate";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { coversPair, rehearsalReadiness, type CurrentPair, type RehearsalPair, type RehearsalSummary } from "./readiness";
import type { ReadinessReport } from "./readiness-report-schema";
import { sloUse, withRollbackSlo } from "./slo-readiness";

const HISTORY = 30;
const ACK_LOOKBACK_MS = 90 * 86_400_000;

type Row = RehearsalSummary & { backLegMs: number | null };

/** What a deployment's readiness is about: its live and prior versions now, and since when. */
export const currentPairSelect = {
  liveVersionId: true,
  priorVersionId: true,
  versions: { select: { versionId: true, since: true, version: { select: { version: true } } } },
} as const;

type CurrentPairRow = { liveVersionId: number | null; priorVersionId: number | null; versions: { versionId: number; since: Date; version: { version: string } }[] };

export function currentPairOf(d: CurrentPairRow): CurrentPair {
  const live = d.versions.find((v) => v.versionId === d.liveVersionId);
  const prior = d.versions.find((v) => v.versionId === d.priorVersionId);
  return { live: live?.version.version ?? null, prior: prior?.version.version ?? null, since: live?.since ?? null };
}

/** The rehearsal columns that name the pair it exercised. */
export const rehearsalPairSelect = { liveVersion: { select: { version: true } }, priorVersion: { select: { version: true } } } as const;

/** The pair a rehearsal exercised, by version name; null when it was not recorded. */
export function pairOf(r: { liveVersion: { version: string } | null; priorVersion: { version: string } | null }): RehearsalPair | null {
  return r.liveVersion || r.priorVersion ? { live: r.liveVersion?.version ?? null, prior: r.priorVersion?.version ?? null } : null;
}

/**
 * Readiness of today's pair from a deployment's rehearsal history and its rollback SLO: the SLO is
 * measured on the newest finished rehearsal of that pair, as the verdict is.
 */
export function readinessOf(rows: readonly Row[], current: CurrentPair, sloRollbackSeconds: number | null, now: Date) {
  const last = [...rows]
    .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
    .find((r) => (r.status === "PASSED" || r.status === "FAILED") && coversPair(r, current));
  return withRollbackSlo(rehearsalReadiness(rows, now, current), sloRollbackSeconds, last ? { status: last.status as "PASSED" | "FAILED", backLegMs: last.backLegMs } : null);
}

/** The SLO, the three readiness indicators with their history, and the verdict, for one deployment. */
export async function getReadinessReport(slug: string, now: Date = new Date()): Promise<ReadinessReport> {
  const deployment = await db().deployment.findUnique({
    where: { slug },
    select: { id: true, slug: true, ...currentPairSelect, rollbackPlan: { select: { sloRollbackSeconds: true, sloDetectSeconds: true } } },
  });
  if (!deployment) throw notFound(`deployment ${slug}`);
  const slo = { rollbackSeconds: deployment.rollbackPlan?.sloRollbackSeconds ?? null, detectSeconds: deployment.rollbackPlan?.sloDetectSeconds ?? null };
  const [rehearsals, acks] = await Promise.all([
    db().rehearsal.findMany({
      where: { deploymentId: deployment.id },
      orderBy: { startedAt: "desc" },
      take: 50,
      select: {
        id: true,
        status: true,
        startedAt: true,
        finishedAt: true,
        failureReason: true,
        backLegMs: true,
        manifestReachable: true,
        manifestChecks: true,
        memoryCheckpointVersion: true,
        memoryDivergedSince: true,
        ...rehearsalPairSelect,
        operation: { select: { sloRollbackSeconds: true } },
      },
    }),
    db().consumerAcknowledgement.findMany({ where: { deploymentId: deployment.id, requestedAt: { gte: new Date(now.getTime() - ACK_LOOKBACK_MS) } }, orderBy: { requestedAt: "asc" } }),
  ]);
  const verdict = readinessOf(
    rehearsals.map((r) => ({ ...r, pair: pairOf(r) })),
    currentPairOf(deployment),
    slo.rollbackSeconds,
    now,
  );
  const finished = rehearsals.filter((r) => r.status === "PASSED" || r.status === "FAILED").slice(0, HISTORY).reverse();
  const iso = (d: Date) => d.toISOString();

  const byConsumer = new Map<string, { latencies: number[]; unacknowledged: number }>();
  const byInvalidation = new Map<string, { at: Date; operationId: string; acks: { consumer: string; latencyMs: number | null }[] }>();
  for (const ack of acks) {
    const consumer = byConsumer.get(ack.consumer) ?? { latencies: [], unacknowledged: 0 };
    if (ack.latencyMs === null) consumer.unacknowledged += 1;
    else consumer.latencies.push(ack.latencyMs);
    byConsumer.set(ack.consumer, consumer);
    const key = `${ack.operationId}/${ack.invalidationId}`;
    const invalidation = byInvalidation.get(key) ?? { at: ack.requestedAt, operationId: ack.operationId, acks: [] };
    invalidation.acks.push({ consumer: ack.consumer, latencyMs: ack.latencyMs });
    byInvalidation.set(key, invalidation);
  }
  const perConsumer = [...byConsumer]
    .map(([consumer, { latencies, unacknowledged }]) => {
      const sorted = [...latencies].sort((a, b) => a - b);
      const round = (value: number | null) => (value === null ? null : Math.round(value));
      return { consumer, samples: latencies.length + unacknowledged, p50Ms: round(quantile(sorted, 0.5)), p95Ms: round(quantile(sorted, 0.95)), unacknowledged };
    })
    .sort((a, b) => a.consumer.localeCompare(b.consumer));
  // Never acknowledging is slower than any latency.
  const slowness = (c: { p95Ms: number | null; unacknowledged: number }) => (c.unacknowledged > 0 ? Number.POSITIVE_INFINITY : (c.p95Ms ?? -1));
  const slowest = perConsumer.reduce<(typeof perConsumer)[number] | null>((worst, c) => (worst === null || slowness(c) > slowness(worst) ? c : worst), null);
  const ackHistory = [...byInvalidation.values()].slice(-HISTORY).map((invalidation) => {
    const worst = invalidation.acks.reduce((a, b) => (slowness({ p95Ms: b.latencyMs, unacknowledged: b.latencyMs === null ? 1 : 0 }) > slowness({ p95Ms: a.latencyMs, unacknowledged: a.latencyMs === null ? 1 : 0 }) ? b : a));
    return {
      at: iso(invalidation.at),
      operationId: invalidation.operationId,
      slowestConsumer: worst.consumer,
      maxLatencyMs: worst.latencyMs,
      unacknowledged: invalidation.acks.filter((a) => a.latencyMs === null).length,
    };
  });

  const reachability = finished.filter((r) => r.manifestReachable !== null);
  const latestReach = reachability.at(-1);
  const artifactsOf = (checks: unknown) =>
    (((checks as { artifacts?: { artifact: string; ref: string; reachable: boolean }[] } | null)?.artifacts ?? []) as { artifact: string; ref: string; reachable: boolean }[]).map(({ artifact, ref, reachable }) => ({ artifact, ref, reachable }));

  const memory = finished.filter((r) => r.memoryCheckpointVersion !== null);
  const divergence = (r: (typeof memory)[number]) => {
    const observedAt = r.finishedAt ?? r.startedAt;
    return { diverged: r.memoryDivergedSince !== null, divergedForMs: r.memoryDivergedSince === null ? null : observedAt.getTime() - r.memoryDivergedSince.getTime() };
  };
  const latestMemory = memory.at(-1);

  return {
    deployment: deployment.slug,
    verdict: { tone: verdict.tone, label: verdict.label, reason: verdict.reason, lastPassedAt: verdict.lastPassedAt ? iso(verdict.lastPassedAt) : null },
    slo,
    rehearsals: finished.map((r) => {
      const target = r.operation?.sloRollbackSeconds ?? slo.rollbackSeconds;
      return {
        id: r.id,
        at: iso(r.startedAt),
        status: r.status as "PASSED" | "FAILED",
        ttrMs: r.backLegMs,
        sloShare: target === null || r.backLegMs === null ? null : sloUse(target, r.backLegMs).share,
      };
    }),
    indicators: {
      consumerAcknowledgement: { perConsumer, slowest: slowest ? { consumer: slowest.consumer, p95Ms: slowest.p95Ms } : null, history: ackHistory },
      manifestReachability: {
        latest: latestReach ? { at: iso(latestReach.startedAt), rehearsalId: latestReach.id, reachable: latestReach.manifestReachable!, artifacts: artifactsOf(latestReach.manifestChecks) } : null,
        history: reachability.map((r) => ({ at: iso(r.startedAt), rehearsalId: r.id, reachable: r.manifestReachable! })),
      },
      memoryDivergence: {
        latest: latestMemory
          ? { at: iso(latestMemory.startedAt), rehearsalId: latestMemory.id, checkpointVersion: latestMemory.memoryCheckpointVersion!, divergedSince: latestMemory.memoryDivergedSince ? iso(latestMemory.memoryDivergedSince) : null, ...divergence(latestMemory) }
          : null,
        history: memory.map((r) => ({ at: iso(r.startedAt), rehearsalId: r.id, ...divergence(r) })),
      },
    },
  };
}
