import { z } from "zod";
import { defineServingBackend } from "../../registry";
import { retryPolicyFrom } from "../retry";
import { versionNames, versionNamesSchema } from "../version-names";
import { createKserveServingAdapter, KSERVE_CAPABILITIES } from "./adapter";
import { inClusterConnection, kubeconfigConnection } from "./kubernetes-client";

// `kserve`: a KServe v1beta1 InferenceService in serverless mode, through the Kubernetes API
// (adapter.ts says how pinning, traffic and compare-and-set map onto it). Versions map to
// storageUris by the configuration, both ways, so reading which revision serves what needs no
// registry lookup: usually the pattern the registry's artifactUri already follows.

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "a Kubernetes name: lowercase letters, digits and -, at most 63");
const storageUri = z.string().regex(/^[a-z][a-z0-9+.-]*:\/\/\S+$/, "a storage URI such as s3://bucket/path, gs://…, pvc://…, hf://…");

const configSchema = z
  .strictObject({
    namespace: dnsLabel.describe("The InferenceService's namespace"),
    inferenceService: dnsLabel.describe("The InferenceService's name"),
    storageUris: versionNamesSchema(storageUri, "s3://models/support-router/{version}").describe(
      'Each version\'s spec.predictor.model.storageUri: a pattern such as "s3://models/support-router/{version}" or a map {"v13": "s3://…"}',
    ),
    kubeconfig: z
      .string()
      .startsWith("/", "an absolute path")
      .optional()
      .describe("A kubeconfig file's absolute path; without it, the pod's service account (KUBERNETES_SERVICE_HOST and its mounted token)"),
    context: z.string().min(1).optional().describe("The kubeconfig context to use (default: its current-context)"),
    rolloutTimeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(3_600)
      .default(600)
      .describe("How long a pin or traffic change waits for KServe to report the new revision ready and the split in place"),
  })
  .refine((config) => config.context === undefined || config.kubeconfig !== undefined, { error: "context applies only with a kubeconfig", path: ["context"] });

export const kserveBackend = defineServingBackend({
  kind: "kserve",
  label: "KServe InferenceService",
  configSchema,
  create(config, deps) {
    return createKserveServingAdapter({
      namespace: config.namespace,
      name: config.inferenceService,
      storageUris: versionNames(config.storageUris),
      connect: () => (config.kubeconfig === undefined ? inClusterConnection(deps.inClusterKubernetesApi) : kubeconfigConnection(config.kubeconfig, config.context)),
      retry: retryPolicyFrom(deps),
      rolloutTimeoutMs: config.rolloutTimeoutSeconds * 1000,
    });
  },
  describe: (config) => ({
    target: `InferenceService ${config.namespace}/${config.inferenceService} via ${config.kubeconfig === undefined ? "the in-cluster service account" : `kubeconfig ${config.kubeconfig}${config.context ? ` (context ${config.context})` : ""}`}`,
    capabilities: KSERVE_CAPABILITIES,
  }),
});
