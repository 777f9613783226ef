import { z } from "zod";
import { validationError } from "@/lib/errors";
import { artifactDigest, modelSlug, offlineScores, pinnedVersionId, stateManifest } from "./version-ref";

// The registry's public contract: request bodies the handlers validate with, and the views they
// answer with. The OpenAPI document is generated from these same schemas.

/** An ISO 8601 time in UTC, as every view writes it. */
export const timestamp = z.string().meta({ format: "date-time", description: "ISO 8601, UTC" });

const ARTIFACT_URI = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;

export const registerModelVersionInput = z.strictObject({
  version: pinnedVersionId,
  artifactUri: z
    .string()
    .max(2048, { error: "must be at most 2048 characters" })
    .regex(ARTIFACT_URI, { error: "expected an absolute URI such as s3://models/support-router/v13" }),
  artifactDigest,
  // Without a manifest the artifact is the whole state: its digest is the weights digest.
  manifest: stateManifest.optional(),
  offlineScores: offlineScores.optional(),
});
export type RegisterModelVersionInput = z.infer<typeof registerModelVersionInput>;

export const versionStatus = z.enum(["SHADOW", "LIVE", "SUPERSEDED", "ROLLED_BACK"]);

export const versionOnDeployment = z.object({
  deployment: z.string(),
  status: versionStatus,
  since: timestamp,
  productionFailure: z.string().nullable(),
  rolledBackAt: timestamp.nullable(),
});
export type VersionOnDeployment = z.infer<typeof versionOnDeployment>;

export const retentionView = z.object({
  /** False while any deployment could roll back to (or is serving) this version. */
  purgeable: z.boolean(),
  protectedBy: z.array(z.object({ deployment: z.string(), as: z.enum(["live", "prior"]) })),
  retainUntil: timestamp.nullable(),
  purgedAt: timestamp.nullable(),
});
export type RetentionView = z.infer<typeof retentionView>;

export const modelVersionView = z.object({
  model: z.string(),
  version: z.string(),
  artifactUri: z.string(),
  artifactDigest: z.string(),
  manifest: stateManifest,
  offlineScores: z.record(z.string(), z.number()),
  registeredBy: z.string(),
  registeredAt: timestamp,
  deployments: z.array(versionOnDeployment),
  retention: retentionView,
});
export type ModelVersionView = z.infer<typeof modelVersionView>;

export const modelVersionList = z.object({
  model: z.string(),
  versions: z.array(modelVersionView),
  total: z.number().int(),
  page: z.number().int(),
  pages: z.number().int(),
});
export type ModelVersionList = z.infer<typeof modelVersionList>;

export const VERSION_FILTERS = ["all", "live", "prior", "rolled-back", "never-deployed", "purged"] as const;

export const versionListQuery = z.object({
  filter: z.enum(VERSION_FILTERS).default("all"),
  sort: z.enum(["registered", "version"]).default("registered"),
  order: z.enum(["asc", "desc"]).default("desc"),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
export type VersionListQuery = z.infer<typeof versionListQuery>;

export const modelView = z.object({
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  createdAt: timestamp,
  versionCount: z.number().int(),
  latestVersion: z.object({ version: z.string(), registeredAt: timestamp }).nullable(),
  deployments: z.array(z.object({ slug: z.string(), liveVersion: z.string().nullable() })),
});
export type ModelView = z.infer<typeof modelView>;

export const modelPathParams = { model: modelSlug };
export const versionPathParams = { model: modelSlug, version: pinnedVersionId };

/**
 * Reads URL search parameters for a page: a parameter that does not parse falls back to its
 * default rather than failing the page, so a hand-edited link still shows something sensible.
 */
export function parseSearchParamsLeniently<S extends z.ZodObject>(
  schema: S,
  raw: Record<string, string | string[] | undefined>,
): z.output<S> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && first !== "") values[key] = first;
  }
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) delete values[String(issue.path[0])];
  return schema.parse(values);
}

/** Validates a route's path segments, naming the segment that is wrong (`version: pin an …`). */
export function parsePathParams<S extends z.ZodRawShape>(shape: S, raw: Record<string, string>): z.output<z.ZodObject<S>> {
  const parsed = z.object(shape).safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}
