import { z } from "zod";
import { TIMING_DEFINITIONS } from "./timings";

/**
 * An incident's figures in milliseconds, each described by its definition. Read through the
 * incident's postmortem when it has one, so the rollback and its postmortem agree.
 */
export const incidentTimingFields = {
  timeToDetectMs: z.number().int().nullable().describe(TIMING_DEFINITIONS.timeToDetectMs),
  timeToDecideMs: z.number().int().nullable().describe(TIMING_DEFINITIONS.timeToDecideMs),
  timeToExecuteMs: z.number().int().nullable().describe(TIMING_DEFINITIONS.timeToExecuteMs),
  timeToRollbackMs: z.number().int().nullable().describe(TIMING_DEFINITIONS.timeToRollbackMs),
  exposureWindowMs: z.number().int().nullable().describe(TIMING_DEFINITIONS.exposureWindowMs),
};
