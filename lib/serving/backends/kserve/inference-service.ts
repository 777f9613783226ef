// The parts of KServe's v1beta1 InferenceService (and Knative's Revision) the kserve backend reads
// and writes, as the API server serves them. Lenient: a resource carries much more, and later
// KServe versions add fields; only what is read here must have the shape it has.
import { z } from "zod";

export const INFERENCE_SERVICE_API = "/apis/serving.kserve.io/v1beta1";
export const KNATIVE_SERVING_API = "/apis/serving.knative.dev/v1";
/** Set by KServe on the predictor's revision template, so every Knative Revision names the model it loads. */
export const STORAGE_URI_ANNOTATION = "internal.serving.kserve.io/storage-initializer-sourceuri";

export const inferenceServicePath = (namespace: string, name: string) =>
  `${INFERENCE_SERVICE_API}/namespaces/${encodeURIComponent(namespace)}/inferenceservices/${encodeURIComponent(name)}`;
export const revisionPath = (namespace: string, name: string) => `${KNATIVE_SERVING_API}/namespaces/${encodeURIComponent(namespace)}/revisions/${encodeURIComponent(name)}`;

const conditionSchema = z.object({ type: z.string(), status: z.string(), reason: z.string().optional(), message: z.string().optional() });

/** A Knative traffic target as KServe copies it into status.components.predictor.traffic. */
const trafficTargetSchema = z.object({
  revisionName: z.string().optional(),
  latestRevision: z.boolean().optional(),
  percent: z.number().int().optional(),
  tag: z.string().optional(),
});

export const inferenceServiceSchema = z.object({
  metadata: z.object({ name: z.string(), namespace: z.string().optional(), resourceVersion: z.string(), generation: z.number().int() }),
  spec: z.object({
    predictor: z.object({
      canaryTrafficPercent: z.number().int().nullable().optional(),
      model: z.object({ storageUri: z.string().optional() }).optional(),
    }),
  }),
  status: z
    .object({
      observedGeneration: z.number().int().optional(),
      conditions: z.array(conditionSchema).optional(),
      components: z
        .object({
          predictor: z
            .object({
              latestReadyRevision: z.string().optional(),
              latestCreatedRevision: z.string().optional(),
              latestRolledoutRevision: z.string().optional(),
              previousRolledoutRevision: z.string().optional(),
              traffic: z.array(trafficTargetSchema).optional(),
            })
            .optional(),
        })
        .optional(),
    })
    .optional(),
});
export type InferenceService = z.infer<typeof inferenceServiceSchema>;

export const revisionSchema = z.object({
  metadata: z.object({ name: z.string(), annotations: z.record(z.string(), z.string()).optional() }),
});

export const predictorStatus = (isvc: InferenceService) => isvc.status?.components?.predictor ?? {};

/** The Ready condition, or undefined while the controller has not set one. */
export const readyCondition = (isvc: InferenceService) => isvc.status?.conditions?.find((c) => c.type === "Ready");

/**
 * Whether the controller has acted on the current spec and everything it created serves: it
 * observed this generation, the newest revision is the newest ready one, and Ready is True.
 */
export function rolledOut(isvc: InferenceService): boolean {
  const predictor = predictorStatus(isvc);
  return (
    (isvc.status?.observedGeneration ?? 0) >= isvc.metadata.generation &&
    predictor.latestCreatedRevision !== undefined &&
    predictor.latestCreatedRevision === predictor.latestReadyRevision &&
    readyCondition(isvc)?.status === "True"
  );
}

/** The conditions that are not True, in words, for a message about why a rollout has not finished. */
export function pendingConditions(isvc: InferenceService): string {
  const pending = (isvc.status?.conditions ?? []).filter((c) => c.status !== "True");
  return pending.map((c) => `${c.type} ${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ""})` : ""}`).join(", ") || "no condition reported";
}
