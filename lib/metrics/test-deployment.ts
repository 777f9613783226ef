import { db } from "@/lib/db";
import { unique } from "@/lib/testing/factories";

/**
 * For integration tests: a deployment with versions v1 (prior, superseded) and v2 (live, promoted
 * `promotedAt`), and one more registered but never deployed version v3.
 */
export async function makeMetricsDeployment(options: { promotedAt?: Date } = {}) {
  const promotedAt = options.promotedAt ?? new Date(Date.now() - 86_400_000);
  const slug = unique("dep");
  const model = await db().model.create({ data: { slug: unique("model"), name: "model" } });
  const version = (v: string) =>
    db().modelVersion.create({
      data: { modelId: model.id, version: v, artifactUri: `s3://models/${v}`, artifactDigest: `sha256:${"0".repeat(64)}`, manifest: {}, registeredBy: "test" },
    });
  const [v1, v2, v3] = [await version("v1"), await version("v2"), await version("v3")];
  const deployment = await db().deployment.create({
    data: { slug, modelId: model.id, servingKind: "http", servingConfig: { baseUrl: "http://127.0.0.1:9" }, liveVersionId: v2.id, priorVersionId: v1.id },
  });
  await db().deploymentVersion.createMany({
    data: [
      { deploymentId: deployment.id, versionId: v1.id, status: "SUPERSEDED", since: promotedAt },
      { deploymentId: deployment.id, versionId: v2.id, status: "LIVE", since: promotedAt },
    ],
  });
  await db().promotion.create({ data: { deploymentId: deployment.id, versionId: v2.id, replacedVersionId: v1.id, promotedAt, actor: "test", applied: true } });
  return { slug, deployment, v1, v2, v3, promotedAt };
}
