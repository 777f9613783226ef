import "server-only";
import { createHash } from "node:crypto";
import type { Prisma } from "@prisma/client";
import { db } from "@/lib/db";
import type { StateManifest } from "@/lib/registry/version-ref";

/** The demo's deployments are served by the simulator (`npm start` points them at its port). */
const DEMO_SERVING = { servingKind: "http", servingConfig: { baseUrl: "http://127.0.0.1:4010", secretEnv: "SERVING_SECRET" } } as const;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Where the demo's times were anchored, so other demo steps can line up with the same "now". */
export const DEMO_TIME_ANCHOR_KEY = "demo.timeAnchor";

/**
 * The demo history relative to `now`, so a demo seeded on any day looks recent and nothing in it
 * lies in the future. v14 went live five days and eight hours before `now` after a four-day
 * shadow window, slid below its floor two days later and was rolled back about three days ago,
 * which leaves the postmortem's review a day and a half to finish in the past. The metrics demo
 * aligns its canary series on `v14PromotedAt`.
 */
export function demoTimeline(now: Date) {
  const at = (msBefore: number) => new Date(now.getTime() - msBefore);
  const v14PromotedAt = at(5 * DAY + 8 * HOUR);
  return {
    anchor: now,
    v14PromotedAt,
    supportRouter: {
      v11: { registeredAt: at(62 * DAY), promotedAt: at(58 * DAY) },
      v12: { registeredAt: at(43 * DAY), promotedAt: at(39 * DAY) },
      v13: { registeredAt: at(24 * DAY), promotedAt: at(20 * DAY) },
      v14: { registeredAt: new Date(v14PromotedAt.getTime() - 4 * DAY - 3 * HOUR), promotedAt: v14PromotedAt },
    },
    faqAnswerer: {
      v1: { registeredAt: at(33 * DAY), promotedAt: at(31 * DAY) },
      v2: { registeredAt: at(12 * DAY), promotedAt: at(10 * DAY) },
    },
  };
}

const digestOf = (label: string) => `sha256:${createHash("sha256").update(label).digest("hex")}`;

type DemoVersion = {
  version: string;
  manifest: Omit<StateManifest, "weightsDigest">;
  scores: Record<string, number>;
  registeredAt: Date;
  promotedAt: Date;
  retainUntil?: Date;
};

// The agents' memory was last checkpointed under v11, and v13 and v14 kept that checkpoint: a
// rollback between them moves weights, prompt and vector index but leaves agent memory behind —
// the split brain the manifest comparison calls out.
function supportRouterVersions(now: Date): DemoVersion[] {
  const t = demoTimeline(now).supportRouter;
  const scores = (regression: number, adversarial: number) => ({ regression_set: regression, adversarial_bank: adversarial });
  return [
    {
      version: "v11",
      manifest: { promptTemplate: "routing-prompt@5", vectorIndexSnapshot: "support-kb-snap-0412", agentMemoryCheckpoint: "triage-mem-ckpt-0409", sharedContextEpoch: 31, extras: { tokenizer: "bpe-32k" } },
      scores: scores(0.89, 0.84),
      ...t.v11,
      retainUntil: new Date(now.getTime() + 12 * DAY),
    },
    {
      version: "v12",
      manifest: { promptTemplate: "routing-prompt@6", vectorIndexSnapshot: "support-kb-snap-0503", agentMemoryCheckpoint: "triage-mem-ckpt-0430", sharedContextEpoch: 33, extras: { tokenizer: "bpe-32k" } },
      scores: scores(0.91, 0.86),
      ...t.v12,
      retainUntil: new Date(now.getTime() + 47 * DAY),
    },
    {
      version: "v13",
      manifest: { promptTemplate: "routing-prompt@6", vectorIndexSnapshot: "support-kb-snap-0524", agentMemoryCheckpoint: "triage-mem-ckpt-0409", sharedContextEpoch: 34, extras: { tokenizer: "bpe-32k" } },
      scores: scores(0.93, 0.88),
      ...t.v13,
    },
    {
      version: "v14",
      manifest: { promptTemplate: "routing-prompt@7", vectorIndexSnapshot: "support-kb-snap-0607", agentMemoryCheckpoint: "triage-mem-ckpt-0409", sharedContextEpoch: 34, extras: { tokenizer: "bpe-32k" } },
      scores: scores(0.94, 0.88),
      ...t.v14,
    },
  ];
}

function faqAnswererVersions(now: Date): DemoVersion[] {
  const t = demoTimeline(now).faqAnswerer;
  return [
    { version: "v1", manifest: { promptTemplate: "faq-prompt@2", vectorIndexSnapshot: "faq-kb-snap-0501" }, scores: { regression_set: 0.9 }, ...t.v1 },
    { version: "v2", manifest: { promptTemplate: "faq-prompt@3", vectorIndexSnapshot: "faq-kb-snap-0528" }, scores: { regression_set: 0.92 }, ...t.v2 },
  ];
}

const PIPELINE = "token:promotion-ci";

/** Registers `versions` in order and promotes each in turn: the last is live, the one before it the prior. */
async function seedPromotedModel(
  tx: Prisma.TransactionClient,
  spec: { slug: string; description: string; consumers: { name: string; blocking: boolean }[]; floor: number; versions: DemoVersion[] },
) {
  const model = await tx.model.create({ data: { slug: spec.slug, name: spec.slug, description: spec.description, createdAt: spec.versions[0]!.registeredAt } });
  const ids: number[] = [];
  for (const v of spec.versions) {
    const weightsDigest = digestOf(`${spec.slug}:${v.version}:weights`);
    const row = await tx.modelVersion.create({
      data: {
        modelId: model.id,
        version: v.version,
        artifactUri: `s3://reversegate-demo-models/${spec.slug}/${v.version}/model.safetensors`,
        artifactDigest: weightsDigest,
        manifest: { weightsDigest, ...v.manifest },
        offlineScores: v.scores,
        registeredBy: PIPELINE,
        createdAt: v.registeredAt,
        retainUntil: v.retainUntil ?? null,
      },
    });
    ids.push(row.id);
  }
  const last = spec.versions.length - 1;
  const deployment = await tx.deployment.create({
    data: {
      slug: spec.slug,
      modelId: model.id,
      ...DEMO_SERVING,
      liveVersionId: ids[last]!,
      priorVersionId: ids[last - 1] ?? null,
      traffic: [{ version: spec.versions[last]!.version, percent: 100 }],
      createdAt: spec.versions[0]!.registeredAt,
      consumers: { create: spec.consumers },
    },
  });
  for (const [index, v] of spec.versions.entries()) {
    const next = spec.versions[index + 1];
    const previous = spec.versions[index - 1];
    await tx.deploymentVersion.create({
      data: {
        deploymentId: deployment.id,
        versionId: ids[index]!,
        status: next ? "SUPERSEDED" : "LIVE",
        // The lifecycle orders status changes by `since`: superseded at the next promotion,
        // and the live version one millisecond after the version it replaced.
        since: next ? next.promotedAt : new Date(v.promotedAt.getTime() + 1),
      },
    });
    await tx.promotion.create({
      data: {
        deploymentId: deployment.id,
        versionId: ids[index]!,
        replacedVersionId: index > 0 ? ids[index - 1]! : null,
        promotedAt: v.promotedAt,
        evidence: {
          shadowWindow: { from: new Date(v.promotedAt.getTime() - 4 * DAY).toISOString(), to: v.promotedAt.toISOString() },
          scores: v.scores,
          ...(previous ? { replacedScores: previous.scores } : {}),
          pipelineRun: `${spec.slug}-promote-${v.version}`,
        },
        floor: spec.floor,
        actor: PIPELINE,
      },
    });
  }
}

/** When the demo's older incident put v11 back in place of v12 (its postmortem is the draft). */
export function v12RollbackCompletedAt(now: Date): Date {
  return new Date(demoTimeline(now).supportRouter.v12.promotedAt.getTime() + 3 * DAY + 14 * 60_000);
}

/**
 * support-router's history has one earlier incident: v12 was rolled back to v11, so v13's
 * promotion replaced v11, and v12 carries its production failure.
 */
async function recordV12Incident(tx: Prisma.TransactionClient, now: Date) {
  const deployment = await tx.deployment.findUniqueOrThrow({ where: { slug: "support-router" }, select: { id: true, modelId: true } });
  const versions = await tx.modelVersion.findMany({ where: { modelId: deployment.modelId }, select: { id: true, version: true } });
  const id = (version: string) => versions.find((v) => v.version === version)!.id;
  const rolledBackAt = v12RollbackCompletedAt(now);
  await tx.deploymentVersion.update({
    where: { deploymentId_versionId: { deploymentId: deployment.id, versionId: id("v12") } },
    data: {
      status: "ROLLED_BACK",
      since: rolledBackAt,
      rolledBackAt,
      productionFailure: "p95 latency doubled on long tickets; the triage agent timed out",
    },
  });
  await tx.deploymentVersion.update({
    where: { deploymentId_versionId: { deploymentId: deployment.id, versionId: id("v11") } },
    data: { since: demoTimeline(now).supportRouter.v13.promotedAt },
  });
  await tx.promotion.updateMany({ where: { deploymentId: deployment.id, versionId: id("v13") }, data: { replacedVersionId: id("v11") } });
}

/**
 * The registry's demo: `support-router` v11–v14 read by three agents (v12 rolled back earlier; the
 * postmortems demo rolls v14 back too), and a quiet `faq-answerer` v1–v2. Skipped when the demo
 * models already exist.
 */
export async function seedRegistry(log: (line: string) => void = () => {}, now: Date = new Date()) {
  if (await db().model.findUnique({ where: { slug: "support-router" } })) {
    log("demo registry: already present");
    return demoTimeline(now);
  }
  await db().$transaction(async (tx) => {
    await seedPromotedModel(tx, {
      slug: "support-router",
      description: "Routes support tickets to the right queue for the agent fleet.",
      consumers: [
        { name: "triage-agent", blocking: true },
        { name: "reply-drafter", blocking: false },
        { name: "escalation-agent", blocking: true },
      ],
      floor: 0.905,
      versions: supportRouterVersions(now),
    });
    await seedPromotedModel(tx, {
      slug: "faq-answerer",
      description: "Answers frequently asked questions from the help-centre index.",
      consumers: [{ name: "help-widget", blocking: false }],
      floor: 0.88,
      versions: faqAnswererVersions(now),
    });
    await recordV12Incident(tx, now);
    await tx.setting.upsert({ where: { key: DEMO_TIME_ANCHOR_KEY }, create: { key: DEMO_TIME_ANCHOR_KEY, value: now.toISOString() }, update: {} });
  });
  log("demo registry: support-router v11–v14, faq-answerer v1–v2");
  return demoTimeline(now);
}
