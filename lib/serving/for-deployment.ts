import "server-only";
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import { env, inClusterKubernetesApi, secretFromEnv } from "@/lib/env";
import { storedKind } from "@/lib/plugins/kind-registry";
import { servingBackends } from "./backends";
import { NO_CAPABILITIES } from "./capabilities";
import { misconfiguredAdapter, type ServingAdapter } from "./port";
import type { ServingDeps, ServingView } from "./registry";

/** The columns a deployment keeps its serving backend in. */
export type DeploymentServingColumns = { servingKind: string; servingConfig: Prisma.JsonValue };

const stored = (row: DeploymentServingColumns) => storedKind(row.servingKind, row.servingConfig);

const problemOf = (error: unknown) =>
  error instanceof z.ZodError
    ? `stored configuration refused: ${error.issues.map((issue) => `${issue.path.join(".") || "(config)"}: ${issue.message}`).join("; ")}`
    : error instanceof Error
      ? error.message
      : String(error);

export function servingDeps(overrides: { retries?: number } = {}): ServingDeps {
  const config = env();
  return {
    secret: secretFromEnv,
    timeoutMs: config.SERVING_TIMEOUT_MS,
    retries: overrides.retries ?? config.SERVING_RETRIES,
    backoffMs: config.SERVING_BACKOFF_MS,
    inClusterKubernetesApi: inClusterKubernetesApi(),
  };
}

/** The deployment's serving backend, built by its kind from its stored configuration. */
export function servingAdapterFor(row: DeploymentServingColumns, overrides: { retries?: number } = {}): ServingAdapter {
  try {
    return servingBackends.create(stored(row), servingDeps(overrides));
  } catch (error) {
    return misconfiguredAdapter(NO_CAPABILITIES, `${row.servingKind} backend: ${problemOf(error)}`);
  }
}

/** Kind, target and capabilities, from the configuration alone. */
export function describeServing(row: DeploymentServingColumns): ServingView {
  const serving = stored(row);
  try {
    const description = servingBackends.describe(serving);
    return { kind: serving.kind, label: servingBackends.get(serving.kind).label, config: serving.config, ...description, problem: null };
  } catch (error) {
    return { kind: serving.kind, label: serving.kind, config: serving.config, target: "unknown", capabilities: NO_CAPABILITIES, problem: problemOf(error) };
  }
}
