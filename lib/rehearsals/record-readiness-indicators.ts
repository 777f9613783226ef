import "server-only";
import type { Prisma } from "@prisma/client";
import type { MutationScope } from "@/lib/mutation";
import type { RollbackOutcomeEvent } from "@/lib/rollbacks/outcomes";

type StepRow = { name: string; params: Prisma.JsonValue; startedAt: Date | null; detail: Prisma.JsonValue };
type Detail = Record<string, unknown>;

const detailOf = (step: StepRow) => (step.detail ?? {}) as Detail;
const isBackLeg = (step: StepRow) => (step.params as { leg?: string } | null)?.leg !== "forward";

type MemoryObservation = { pinnedVersion: string; manifestVersion: string | null; checkpoint: string | null };
type Preflight = { reachable?: boolean; skipped?: string; artifacts?: unknown[] };

/**
 * Records the readiness indicators a finished rollback or rehearsal measured, from its persisted
 * steps, in the transaction that records its outcome: each consumer's acknowledgement latency on
 * every invalidation (all operations), and for a rehearsal the manifest reachability its preflight
 * found and whether the serving plane's memory checkpoint was taken under another version than the
 * live one, since when.
 */
export async function recordReadinessIndicators(scope: MutationScope, event: RollbackOutcomeEvent): Promise<void> {
  const { tx } = scope;
  const operation = await tx.rollbackOperation.findUniqueOrThrow({
    where: { id: event.operationId },
    select: { fromVersionId: true, deployment: { select: { modelId: true } }, steps: { orderBy: { position: "asc" }, select: { name: true, params: true, startedAt: true, detail: true } } },
  });
  const steps: StepRow[] = operation.steps;

  const acknowledgements = steps
    .filter((step) => step.name === "invalidate_consumers" && typeof detailOf(step).invalidationId === "string")
    .flatMap((step) => {
      const detail = detailOf(step);
      const requestedAt = new Date(String(detail.requestedAt ?? step.startedAt?.toISOString()));
      const latencies = new Map(((detail.ackLatencies as { consumer: string; latencyMs: number }[] | undefined) ?? []).map((a) => [a.consumer, a.latencyMs]));
      const consumers = (detail.consumers as string[] | undefined) ?? [];
      return consumers.map((consumer) => ({
        deploymentId: event.deploymentId,
        operationId: event.operationId,
        invalidationId: String(detail.invalidationId),
        consumer,
        requestedAt,
        latencyMs: latencies.get(consumer) ?? null,
      }));
    });
  if (acknowledgements.length > 0) await tx.consumerAcknowledgement.createMany({ data: acknowledgements, skipDuplicates: true });

  if (event.kind !== "REHEARSAL") return;
  const rehearsal = await tx.rehearsal.findUnique({ where: { operationId: event.operationId }, select: { id: true, startedAt: true } });
  if (!rehearsal) return;
  const preflight = steps.find((step) => step.name === "preflight" && isBackLeg(step));
  const preflightDetail = preflight ? detailOf(preflight) : {};
  const reachability = preflightDetail.manifestPreflight as Preflight | undefined;
  const memory = preflightDetail.memory as MemoryObservation | undefined;

  let memoryCheckpointVersion: string | null = null;
  let memoryDivergedSince: Date | null = null;
  if (memory?.checkpoint) {
    const versions = await tx.modelVersion.findMany({ where: { modelId: operation.deployment.modelId }, select: { id: true, version: true, manifest: true } });
    const checkpointOf = (manifest: Prisma.JsonValue) => (manifest as { agentMemoryCheckpoint?: string } | null)?.agentMemoryCheckpoint;
    const live = versions.find((v) => v.id === operation.fromVersionId);
    const takenUnder = checkpointOf(live?.manifest ?? null) === memory.checkpoint ? live : versions.find((v) => checkpointOf(v.manifest) === memory.checkpoint);
    memoryCheckpointVersion = takenUnder?.version ?? "an unregistered version";
    if (takenUnder?.id !== operation.fromVersionId) {
      // Divergent since the first rehearsal that saw this same checkpoint in a row.
      const previous = await tx.rehearsal.findFirst({
        where: { deploymentId: event.deploymentId, id: { not: rehearsal.id }, startedAt: { lt: rehearsal.startedAt }, memoryCheckpointVersion: { not: null } },
        orderBy: { startedAt: "desc" },
        select: { memoryCheckpointVersion: true, memoryDivergedSince: true },
      });
      memoryDivergedSince =
        previous?.memoryDivergedSince && previous.memoryCheckpointVersion === memoryCheckpointVersion ? previous.memoryDivergedSince : (preflight?.startedAt ?? rehearsal.startedAt);
    }
  }
  await tx.rehearsal.update({
    where: { id: rehearsal.id },
    data: {
      manifestReachable: reachability?.reachable ?? null,
      manifestChecks: reachability ? (reachability as Prisma.InputJsonObject) : undefined,
      memoryCheckpointVersion,
      memoryDivergedSince,
    },
  });
}
