import type { ModelVersion, Prisma, Role } from "@prisma/client";
import type { Actor } from "@/lib/actor";
import { createApiToken } from "@/lib/auth/api-tokens";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import { newRequestId, runMutation } from "@/lib/mutation";
import type { KindInput } from "@/lib/plugins/kind-registry";
import { approveRollback } from "@/lib/rollbacks/decide-rollback";
import { requestRollback } from "@/lib/rollbacks/request-rollback";
import { servingBackends } from "@/lib/serving/backends";

let counter = 0;
/** A name no other test in this run uses. */
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export async function makeUser(role: Role, overrides: { password?: string; disabled?: boolean } = {}) {
  const email = `${unique(role.toLowerCase())}@example.test`;
  const user = await db().user.create({
    data: {
      email,
      name: email.split("@")[0]!,
      role,
      passwordHash: await hashPassword(overrides.password ?? "correct horse battery"),
      disabledAt: overrides.disabled ? new Date() : null,
    },
  });
  const actor: Actor = { type: "USER", id: user.id, label: user.email, name: user.name, role: user.role, userId: user.id };
  return { user, actor };
}

/** A bearer token of `role`, created by a user of that role (so disabling the user revokes it). */
export async function makeToken(role: Role) {
  const { user, actor } = await makeUser(role);
  const { token } = await runMutation({ actor: { ...actor, role: "ADMIN" }, requestId: newRequestId() }, "ADMIN", (scope) =>
    createApiToken(scope, { name: unique("token"), role }),
  );
  return { token, user, actor };
}

const digest = (seed: string) => `sha256:${Buffer.from(seed.padEnd(32, "0").slice(0, 32)).toString("hex")}`;

/** A registered version of `model` with a restorable manifest, not yet on any deployment. */
export function makeModelVersion(model: { id: number; slug: string }, version: string): Promise<ModelVersion> {
  return db().modelVersion.create({
    data: {
      modelId: model.id,
      version,
      artifactUri: `s3://models/${model.slug}/${version}`,
      artifactDigest: digest(`${model.slug}${version}`),
      manifest: { weightsDigest: digest(`w${model.slug}${version}`), promptTemplate: `prompt@${version}`, vectorIndexSnapshot: `idx-${version}` },
      offlineScores: { regression_set: 0.9 },
      registeredBy: "factory",
    },
  });
}

/**
 * A model with `versions` and a deployment of it, `live` serving and `prior` (if any) the
 * version before it, as a pipeline would have left them. Statuses follow the lifecycle:
 * earlier promoted versions are SUPERSEDED, `rolledBack` ones ROLLED_BACK.
 */
export async function makeDeployment(options: {
  versions?: string[];
  live?: string | null;
  prior?: string | null;
  rolledBack?: string[];
  state?: "STABLE" | "ROLLING_BACK" | "FROZEN";
  /** `{kind, ...config}` as the API takes it; default: the simulator's usual address over HTTP. */
  serving?: KindInput;
  consumers?: string[];
} = {}) {
  const versions = options.versions ?? ["v13", "v14"];
  const live = options.live === undefined ? (versions.at(-1) ?? null) : options.live;
  const prior = options.prior === undefined ? (versions.at(-2) ?? null) : options.prior;
  const slug = unique("dep");
  const model = await db().model.create({ data: { slug, name: slug } });
  const rows: ModelVersion[] = [];
  for (const version of versions) rows.push(await makeModelVersion(model, version));
  const id = (version: string | null) => (version === null ? null : (rows.find((r) => r.version === version)?.id ?? null));
  const serving = servingBackends.toStored(servingBackends.inputSchema.parse(options.serving ?? { kind: "http", baseUrl: "http://127.0.0.1:4010" }));
  const deployment = await db().deployment.create({
    data: {
      slug,
      modelId: model.id,
      state: options.state ?? "STABLE",
      servingKind: serving.kind,
      servingConfig: serving.config as Prisma.InputJsonObject,
      liveVersionId: id(live),
      priorVersionId: id(prior),
      traffic: live ? [{ version: live, percent: 100 }] : [],
      consumers: { create: (options.consumers ?? []).map((name) => ({ name })) },
    },
  });
  const base = Date.now() - 86_400_000;
  for (const [index, row] of rows.entries()) {
    const status = row.version === live ? "LIVE" : options.rolledBack?.includes(row.version) ? "ROLLED_BACK" : "SUPERSEDED";
    await db().deploymentVersion.create({
      data: { deploymentId: deployment.id, versionId: row.id, status, since: new Date(base + index * 60_000) },
    });
  }
  return { model, deployment, versions: rows };
}

/** A rollback policy on `deploymentId` for canary_accuracy (explicit floor 0.9 unless overridden). */
export function makePolicy(deploymentId: number, overrides: Partial<Prisma.RollbackPolicyUncheckedCreateInput> = {}) {
  return db().rollbackPolicy.create({
    data: {
      deploymentId,
      metric: "canary_accuracy",
      direction: "HIGHER_IS_BETTER",
      floorMode: "EXPLICIT",
      floorValue: 0.9,
      windowSeconds: 600,
      evaluationIntervalSeconds: 60,
      minSamples: 5,
      action: "NOTIFY",
      ...overrides,
    },
  });
}

/** The deployment's rollback plan: its defaults (ramp 10 → 100, 60 s dwell) unless overridden. */
export function makeRollbackPlan(deploymentId: number, overrides: Partial<Prisma.RollbackPlanUncheckedCreateInput> = {}) {
  return db().rollbackPlan.create({ data: { deploymentId, ...overrides } });
}

/** A detection of `versionId` under `policy`, detected at `detectedAt` after `timeToDetectMs` of breach. */
export function makeDetection(
  policy: { id: string; deploymentId: number; metric: string; floorValue: number | null; action: Prisma.DetectionUncheckedCreateInput["action"] },
  versionId: number,
  options: { detectedAt: Date; timeToDetectMs: number } & Partial<Prisma.DetectionUncheckedCreateInput>,
) {
  const { detectedAt, timeToDetectMs, ...overrides } = options;
  return db().detection.create({
    data: {
      deploymentId: policy.deploymentId,
      policyId: policy.id,
      versionId,
      metric: policy.metric,
      regressionStartedAt: new Date(detectedAt.getTime() - timeToDetectMs),
      detectedAt,
      timeToDetectMs,
      windowStats: {},
      floorValue: policy.floorValue ?? 0,
      floorSource: "explicit",
      evidence: [],
      action: policy.action,
      ...overrides,
    },
  });
}

/**
 * A COMPLETED incident rollback of `from` → `to`, requested at `requestedAt`, approved
 * `decideMs` later and completed `executeMs` after that, and the postmortem draft it opens.
 */
export async function makeCompletedIncident(options: {
  deploymentId: number;
  from: number;
  to: number;
  requester: Awaited<ReturnType<typeof makeUser>>;
  requestedAt: Date;
  decideMs: number;
  executeMs: number;
  detectionId?: string;
  reason?: string;
}) {
  const approvedAt = new Date(options.requestedAt.getTime() + options.decideMs);
  const operation = await db().rollbackOperation.create({
    data: {
      deploymentId: options.deploymentId,
      kind: "INCIDENT",
      mode: "INSTANT",
      status: "COMPLETED",
      fromVersionId: options.from,
      toVersionId: options.to,
      reason: options.reason ?? "canary below the floor",
      detectionId: options.detectionId ?? null,
      requestedById: options.requester.user.id,
      requestedByLabel: options.requester.user.email,
      requestedAt: options.requestedAt,
      approvedAt,
      startedAt: approvedAt,
      completedAt: new Date(approvedAt.getTime() + options.executeMs),
    },
  });
  const { openPostmortemDraft } = await import("@/lib/postmortems/open-postmortem-draft");
  const draft = await runMutation({ actor: options.requester.actor, requestId: newRequestId() }, "OPERATOR", (scope) => openPostmortemDraft(scope, operation.id));
  return { operation, postmortemId: draft!.id };
}

/**
 * A deployment on `serving` with v14 live and v13 its prior (v12 before), a rollback plan, and a
 * manual rollback of `mode` requested by an operator and approved by an approver, not yet run.
 */
export async function makeApprovedRollback(serving: KindInput, options: { mode: "instant" | "ramp"; rampStages?: number[]; rampDwellSeconds?: number }) {
  const made = await makeDeployment({ versions: ["v12", "v13", "v14"], serving });
  await makeRollbackPlan(made.deployment.id, { rampStages: options.rampStages ?? [10, 100], rampDwellSeconds: options.rampDwellSeconds ?? 0 });
  const operator = await makeUser("OPERATOR");
  const approver = await makeUser("APPROVER");
  const { id } = await requestRollback(
    { actor: operator.actor, requestId: newRequestId() },
    { deploymentSlug: made.deployment.slug, mode: options.mode, reason: "canary accuracy below its floor", origin: "manual" },
  );
  await approveRollback({ actor: approver.actor, requestId: newRequestId() }, id);
  return { ...made, id };
}
