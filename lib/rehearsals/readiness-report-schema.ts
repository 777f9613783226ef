import { z } from "zod";

// `GET /api/v1/deployments/{deployment}/readiness`: the rollback SLO, the readiness indicators
// the founding document names (measured, with history) and the verdict.

const at = z.iso.datetime();

export const readinessReport = z.object({
  deployment: z.string(),
  verdict: z.object({
    tone: z.enum(["ok", "bad", "warn", "info", "neutral"]),
    label: z.string(),
    reason: z.string(),
    lastPassedAt: at.nullable(),
  }),
  slo: z.object({ rollbackSeconds: z.number().int().nullable(), detectSeconds: z.number().int().nullable() }),
  /** Each finished rehearsal's time to roll back (its back leg) against the target of the day. */
  rehearsals: z.array(z.object({ id: z.string(), at, status: z.enum(["PASSED", "FAILED"]), ttrMs: z.number().int().nullable(), sloShare: z.number().nullable() })),
  indicators: z.object({
    /** Shared-context consensus latency: how long each consumer took to acknowledge an invalidation. */
    consumerAcknowledgement: z.object({
      perConsumer: z.array(z.object({ consumer: z.string(), samples: z.number().int(), p50Ms: z.number().nullable(), p95Ms: z.number().nullable(), unacknowledged: z.number().int() })),
      /** The consumer with the highest p95 (a consumer that never acknowledged counts as slowest). */
      slowest: z.object({ consumer: z.string(), p95Ms: z.number().nullable() }).nullable(),
      /** One point per invalidation: the slowest acknowledgement and who it was. */
      history: z.array(z.object({ at, operationId: z.string(), slowestConsumer: z.string(), maxLatencyMs: z.number().nullable(), unacknowledged: z.number().int() })),
    }),
    /** Whether the prior's vector index snapshot and memory checkpoint answered each rehearsal's preflight. */
    manifestReachability: z.object({
      latest: z.object({ at, rehearsalId: z.string(), reachable: z.boolean(), artifacts: z.array(z.object({ artifact: z.string(), ref: z.string(), reachable: z.boolean() })) }).nullable(),
      history: z.array(z.object({ at, rehearsalId: z.string(), reachable: z.boolean() })),
    }),
    /** Whether the serving plane's memory checkpoint was taken under a version other than the live one, and for how long. */
    memoryDivergence: z.object({
      latest: z.object({ at, rehearsalId: z.string(), checkpointVersion: z.string(), diverged: z.boolean(), divergedSince: at.nullable(), divergedForMs: z.number().nullable() }).nullable(),
      history: z.array(z.object({ at, rehearsalId: z.string(), diverged: z.boolean(), divergedForMs: z.number().nullable() })),
    }),
  }),
});
export type ReadinessReport = z.infer<typeof readinessReport>;
