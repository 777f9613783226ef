import "server-only";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { hasCapability, lackingReason } from "@/lib/serving/capabilities";
import { DEGRADATION_LEVEL_SUMMARY, DEGRADED_LEVELS, type DegradationLevelInfo } from "@/lib/serving/degradation";
import { describeServing, servingAdapterFor } from "@/lib/serving/for-deployment";
import { describeServingFailure } from "@/lib/serving/port";
import { levelFromDb, type DegradationView, type RecordedDegradation } from "./schemas";
import { toChangeView } from "./set-degradation";

const HISTORY_LIMIT = 50;

/** The levels on offer, in the backend's words where it gave them, normal first. */
function levelsOffered(declared: DegradationLevelInfo[] | null): DegradationView["levels"] {
  const normal = { level: "normal" as const, description: DEGRADATION_LEVEL_SUMMARY.normal, disables: [], fallback: null };
  const degraded: DegradationLevelInfo[] = declared ?? DEGRADED_LEVELS.map((level) => ({ level, description: DEGRADATION_LEVEL_SUMMARY[level] }));
  return [normal, ...degraded.map((info) => ({ level: info.level, description: info.description, disables: info.disables ?? [], fallback: info.fallback ?? null }))];
}

const recordedSelect = { id: true, slug: true, servingKind: true, servingConfig: true, degradationLevel: true, degradationReason: true, degradationSetBy: true, degradationSince: true } as const;

async function loadRecorded(slug: string) {
  const deployment = await db().deployment.findUnique({ where: { slug }, select: recordedSelect });
  if (!deployment) throw notFound(`deployment ${slug}`);
  const recorded: RecordedDegradation = {
    deployment: deployment.slug,
    level: levelFromDb(deployment.degradationLevel),
    reason: deployment.degradationReason,
    setBy: deployment.degradationSetBy,
    since: deployment.degradationSince?.toISOString() ?? null,
  };
  return { deployment, recorded };
}

/** The level as recorded (what the serving plane last confirmed), who set it and why: no serving call. */
export async function getRecordedDegradation(slug: string): Promise<RecordedDegradation> {
  return (await loadRecorded(slug)).recorded;
}

/**
 * The deployment's level as recorded, what its serving plane reports now and offers (asked once,
 * without retries, so a page never waits on an outage), and the history of changes.
 */
export async function getDegradation(slug: string): Promise<DegradationView> {
  const { deployment, recorded: current } = await loadRecorded(slug);
  const history = await db().degradationChange.findMany({ where: { deploymentId: deployment.id }, orderBy: { requestedAt: "desc" }, take: HISTORY_LIMIT });
  const supported = hasCapability(describeServing(deployment).capabilities, "degradation");
  const recorded = { ...current, history: history.map(toChangeView) };
  if (!supported) {
    return { ...recorded, supported, unsupportedReason: lackingReason("degradation"), levels: [], serving: { reachable: false, error: "not asked: the backend cannot degrade" } };
  }
  const probe = servingAdapterFor(deployment, { retries: 0 });
  const [health, status] = await Promise.allSettled([probe.checkHealth(), probe.getStatus(deployment.slug)]);
  const planeRefuses = health.status === "fulfilled" && health.value.capabilities.degradation !== true;
  return {
    ...recorded,
    supported: !planeRefuses,
    unsupportedReason: planeRefuses ? "the serving plane says it cannot degrade (its health answer does not declare degradation)" : null,
    levels: planeRefuses ? [] : levelsOffered(health.status === "fulfilled" ? (health.value.degradationLevels ?? null) : null),
    serving:
      status.status === "fulfilled"
        ? {
            reachable: true,
            level: status.value.degradation?.level ?? "normal",
            servedBy: status.value.degradation?.servedBy ?? null,
            since: status.value.degradation?.since ?? null,
          }
        : { reachable: false, error: describeServingFailure(status.reason) },
  };
}
