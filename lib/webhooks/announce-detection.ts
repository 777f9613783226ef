import "server-only";
import { getDetection } from "@/lib/metrics/detections";
import { deliverWebhookEvent } from "./deliver-webhook";

/**
 * Tells the outside world that a canary held below its floor: webhooks hear `detection.created`,
 * PagerDuty opens an alert keyed by the detection. Called after the detection committed; never
 * throws and is not awaited on the evaluator's path.
 */
export function announceDetection(detectionId: string): void {
  void (async () => {
    const d = await getDetection(detectionId);
    const mean = typeof d.windowStats.mean === "number" ? d.windowStats.mean : null;
    await deliverWebhookEvent(
      {
        event: "detection.created",
        text: `*${d.deployment}*: ${d.metric} on ${d.version} held below its floor ${d.floorValue} for the whole window${mean === null ? "" : ` (mean ${mean})`}; ${d.action === "notify" ? "notify only" : d.action === "auto" ? "rolling back automatically" : "a rollback awaits approval"}`,
        deployment: d.deployment,
        detectionId: d.id,
        fromVersion: d.version,
        rollbackId: d.rollbacks.at(-1)?.id,
        details: {
          metric: d.metric,
          version: d.version,
          floor: d.floorValue,
          floor_source: d.floorSource,
          window_mean: mean,
          regression_started_at: d.regressionStartedAt,
          time_to_detect_ms: d.timeToDetectMs,
          action: d.action,
        },
      },
      new Date(d.detectedAt),
    );
  })().catch((error: unknown) => console.error(`[webhooks] detection.created for ${detectionId}:`, error instanceof Error ? error.message : error));
}
