import { z } from "zod";
import { createKindRegistry, defineKind, type KindDefinition, type KindRegistry, type RegisteredKind } from "@/lib/plugins/kind-registry";
import { servingCapabilitiesSchema, type ServingCapabilities } from "./capabilities";
import type { ServingAdapter } from "./port";

/** What a backend is given besides its configuration. */
export interface ServingDeps {
  /** The value of the environment variable a configuration names, or undefined when it is not set. */
  secret(envName: string): string | undefined;
  /** Per-attempt timeout, retries after the first attempt and backoff base, from SERVING_* settings. */
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  /** The Kubernetes API server's URL when Reversegate runs in a pod (KUBERNETES_SERVICE_HOST/PORT), else undefined. */
  inClusterKubernetesApi: string | undefined;
}

/** Where a backend points and what it can do, read from its configuration alone (no network). */
export interface ServingDescription {
  /** e.g. `http://127.0.0.1:4010`, a socket path, a Kubernetes resource. */
  target: string;
  capabilities: ServingCapabilities;
}

export type ServingBackend = RegisteredKind<ServingAdapter, ServingDeps, ServingDescription>;
export type ServingRegistry = KindRegistry<ServingAdapter, ServingDeps, ServingDescription>;

/** A backend folder's export: `export const xBackend = defineServingBackend({ kind: "x", … })`. */
export function defineServingBackend<Schema extends z.ZodObject>(
  definition: KindDefinition<Schema, ServingAdapter, ServingDeps, ServingDescription>,
): ServingBackend {
  return defineKind(definition);
}

export function createServingRegistry(backends: readonly ServingBackend[]): ServingRegistry {
  return createKindRegistry("serving backend", backends);
}

/** A deployment's serving backend as the page and the API show it. */
export const servingView = z.object({
  kind: z.string(),
  label: z.string(),
  /** The configuration as stored (secrets appear only as the names of environment variables). */
  config: z.record(z.string(), z.unknown()),
  /** Where it points, e.g. the base URL. */
  target: z.string(),
  capabilities: servingCapabilitiesSchema,
  /** Set when the stored configuration no longer passes its backend's schema. */
  problem: z.string().nullable(),
});
export type ServingView = z.infer<typeof servingView>;
