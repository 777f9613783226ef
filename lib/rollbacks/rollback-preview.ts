import "server-only";
import type { Role } from "@prisma/client";
import { checkRollbackable } from "@/lib/deployments/lifecycle";
import { loadDeploymentSnapshot } from "@/lib/deployments/snapshot-store";
import { readRollbackPlan } from "@/lib/deployments/rollback-plan-store";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { diffManifests, stateManifest, type StateCategory } from "@/lib/registry/version-ref";
import { trafficModeFor, trafficModes, type TrafficMode } from "@/lib/serving/capabilities";
import { describeServing } from "@/lib/serving/for-deployment";
import type { ServingView } from "@/lib/serving/registry";
import { skippedMoves } from "@/lib/serving/moves";
import { isInFlight } from "./status";

/** What the rollback button promises before anyone confirms: exactly what will happen. */
export type RollbackPreview = {
  deployment: string;
  /** Null when a rollback cannot be requested now, with `blockedReason` saying why. */
  fromVersion: string | null;
  toVersion: string | null;
  blockedReason: string | null;
  inFlight: { id: string; status: string } | null;
  changedParts: StateCategory[];
  splitBrainParts: string[];
  /** The backend the rollback runs through, and what it can do. */
  serving: Omit<ServingView, "config">;
  /** The modes this backend can do; the dialog offers only these. */
  modes: TrafficMode[];
  /** Per mode, what the rollback will skip on this backend and why. */
  skipped: Record<TrafficMode, string[]>;
  defaultMode: TrafficMode;
  rampStages: number[];
  rampDwellSeconds: number;
  /** Who must approve, in words. */
  approval: string;
  /** The deployment's newest unresolved detection against the live version, if any. */
  openDetection: { id: string; metric: string; detectedAt: string; floorValue: number; timeToDetectMs: number } | null;
};

export async function getRollbackPreview(slug: string, viewerRole: Role): Promise<RollbackPreview> {
  const deployment = await db().deployment.findUnique({ where: { slug }, select: { id: true, liveVersionId: true, servingKind: true, servingConfig: true } });
  if (!deployment) throw notFound(`deployment ${slug}`);
  const stored = await db().$transaction((tx) => loadDeploymentSnapshot(tx, deployment.id));
  const checked = checkRollbackable(stored.snapshot);
  const open = await db().rollbackOperation.findMany({ where: { deploymentId: deployment.id }, orderBy: { requestedAt: "desc" }, take: 5, select: { id: true, status: true } });
  const inFlight = open.find((op) => isInFlight(op.status)) ?? null;
  const plan = await readRollbackPlan(db(), deployment.id);
  const automatic = await db().rollbackPolicy.findFirst({ where: { deploymentId: deployment.id, action: "AUTO" }, select: { metric: true } });
  const detection = deployment.liveVersionId
    ? await db().detection.findFirst({ where: { deploymentId: deployment.id, versionId: deployment.liveVersionId, resolvedAt: null }, orderBy: { detectedAt: "desc" } })
    : null;

  const { config: _config, ...serving } = describeServing(deployment);
  const modes = trafficModes(serving.capabilities);
  let blockedReason: string | null = checked.ok ? null : checked.error.message;
  if (modes.length === 0) blockedReason = `the serving backend (${serving.kind} at ${serving.target}) can move traffic neither at once nor in stages`;
  if (checked.ok && stored.purged.has(checked.value.prior)) blockedReason = `the prior pinned version ${checked.value.prior} was purged from the registry`;
  if (inFlight) blockedReason = `a rollback is already in flight (${inFlight.status})`;
  const from = stored.snapshot.live;
  const to = stored.snapshot.prior;
  let changedParts: StateCategory[] = [];
  let splitBrainParts: string[] = [];
  if (from && to) {
    const versions = await db().modelVersion.findMany({ where: { modelId: stored.modelId, version: { in: [from, to] } }, select: { version: true, manifest: true } });
    const fromManifest = stateManifest.safeParse(versions.find((v) => v.version === from)?.manifest);
    const toManifest = stateManifest.safeParse(versions.find((v) => v.version === to)?.manifest);
    if (fromManifest.success && toManifest.success) {
      const diff = diffManifests(fromManifest.data, toManifest.data);
      changedParts = [...diff.changed];
      splitBrainParts = [...diff.splitBrainCategories];
    }
  }
  const autoNote = automatic ? ` (a detection of ${automatic.metric} rolls back automatically)` : "";
  return {
    deployment: slug,
    fromVersion: from,
    toVersion: to,
    blockedReason,
    inFlight,
    changedParts,
    splitBrainParts,
    serving,
    modes,
    skipped: { instant: skippedMoves(serving.capabilities, "instant"), ramp: skippedMoves(serving.capabilities, "ramp") },
    defaultMode: trafficModeFor(plan.mode, serving.capabilities) ?? "instant",
    rampStages: plan.rampStages,
    rampDwellSeconds: plan.rampDwellSeconds,
    approval: `${plan.requireDistinctApprover ? "an APPROVER other than the requester" : "any APPROVER (the requester may approve their own)"} must approve${autoNote}${viewerRole === "VIEWER" ? "; your VIEWER role cannot request it" : ""}`,
    openDetection: detection
      ? { id: detection.id, metric: detection.metric, detectedAt: detection.detectedAt.toISOString(), floorValue: detection.floorValue, timeToDetectMs: detection.timeToDetectMs }
      : null,
  };
}
