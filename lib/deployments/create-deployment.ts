import "server-only";
import type { Prisma } from "@prisma/client";
import { conflict, notFound } from "@/lib/errors";
import { runMutation, type MutationContext } from "@/lib/mutation";
import { servingBackends } from "@/lib/serving/backends";
import { getDeployment } from "./get-deployment";
import type { CreateDeploymentInput, DeploymentDetailView } from "./schemas";

/** A new deployment of an existing model, with nothing live until the first promotion. */
export async function createDeployment(ctx: MutationContext, input: CreateDeploymentInput): Promise<DeploymentDetailView> {
  return runMutation(ctx, "ADMIN", async ({ tx, audit }) => {
    const model = await tx.model.findUnique({ where: { slug: input.model } });
    if (!model) throw notFound(`model ${input.model} (register a version first)`);
    const serving = servingBackends.toStored(input.serving);
    // ON CONFLICT DO NOTHING, so a concurrent create of the same slug is a clean 409.
    const created = await tx.deployment.createMany({
      data: [
        {
          slug: input.slug,
          modelId: model.id,
          environment: input.environment ?? "production",
          servingKind: serving.kind,
          servingConfig: serving.config as Prisma.InputJsonObject,
        },
      ],
      skipDuplicates: true,
    });
    if (created.count === 0) throw conflict(`deployment ${input.slug} already exists`);
    const deployment = await tx.deployment.findUniqueOrThrow({ where: { slug: input.slug } });
    const consumers = input.consumers ?? [];
    await tx.consumer.createMany({ data: consumers.map((name) => ({ deploymentId: deployment.id, name })) });
    await audit({
      action: "deployment.create",
      targetType: "Deployment",
      targetId: input.slug,
      after: { model: input.model, environment: deployment.environment, serving, consumers },
    });
    return getDeployment(input.slug, tx);
  });
}
