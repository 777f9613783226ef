import "server-only";
import type { Prisma } from "@prisma/client";
import { conflict } from "@/lib/errors";
import { runMutation, type MutationContext } from "@/lib/mutation";
import type { ModelVersionView, RegisterModelVersionInput } from "./schemas";
import { loadDeploymentPointers, toModelVersionView, versionViewInclude } from "./version-views";

export type RegisterOutcome = { outcome: "created" | "replayed"; version: ModelVersionView };

/** JSON equality that ignores key order (PostgreSQL's jsonb does not keep it). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Registers an immutable pinned version, creating the model on its first version. Registering
 * the same version again with the same content is a replay; any difference is a conflict,
 * because a pinned id must always name exactly one artifact.
 */
export async function registerModelVersion(
  ctx: MutationContext,
  modelSlug: string,
  input: RegisterModelVersionInput,
): Promise<RegisterOutcome> {
  return runMutation(ctx, "OPERATOR", async ({ tx, actor, audit }) => {
    // ON CONFLICT DO NOTHING: a concurrent first registration waits for the other and skips.
    const modelCreated = await tx.model.createMany({ data: [{ slug: modelSlug, name: modelSlug }], skipDuplicates: true });
    const model = await tx.model.findUniqueOrThrow({ where: { slug: modelSlug } });
    if (modelCreated.count === 1) {
      await audit({ action: "model.create", targetType: "Model", targetId: modelSlug, after: { slug: modelSlug } });
    }

    const manifest = input.manifest ?? { weightsDigest: input.artifactDigest };
    const offlineScores = input.offlineScores ?? {};
    const inserted = await tx.modelVersion.createMany({
      data: [
        {
          modelId: model.id,
          version: input.version,
          artifactUri: input.artifactUri,
          artifactDigest: input.artifactDigest,
          manifest: manifest as Prisma.InputJsonObject,
          offlineScores,
          registeredBy: actor.label,
        },
      ],
      skipDuplicates: true,
    });
    const row = await tx.modelVersion.findUniqueOrThrow({
      where: { modelId_version: { modelId: model.id, version: input.version } },
      include: versionViewInclude,
    });
    const view = toModelVersionView(modelSlug, row, await loadDeploymentPointers(tx, model.id));

    if (inserted.count === 0) {
      const pinned = `${modelSlug}:${input.version}`;
      if (row.artifactDigest !== input.artifactDigest) {
        throw conflict(
          `${pinned} is already registered with digest ${row.artifactDigest}; versions are immutable, so register the new artifact under a new version id`,
          { existingDigest: row.artifactDigest },
        );
      }
      const differing = [
        row.artifactUri !== input.artifactUri ? "artifactUri" : null,
        canonical(row.manifest) !== canonical(manifest) ? "manifest" : null,
        canonical(row.offlineScores) !== canonical(offlineScores) ? "offlineScores" : null,
      ].filter((field): field is string => field !== null);
      if (differing.length > 0) {
        throw conflict(
          `${pinned} is already registered with digest ${row.artifactDigest} but a different ${differing.join(", ")}; versions are immutable, so register a new version id`,
          { existingDigest: row.artifactDigest, differing },
        );
      }
      return { outcome: "replayed", version: view };
    }

    await audit({
      action: "model_version.register",
      targetType: "ModelVersion",
      targetId: `${modelSlug}:${input.version}`,
      after: { artifactUri: input.artifactUri, artifactDigest: input.artifactDigest, manifest, offlineScores },
    });
    return { outcome: "created", version: view };
  });
}
