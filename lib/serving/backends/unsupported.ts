import { lackingReason } from "../capabilities";
import { ServingError } from "../port";

/**
 * A port method a backend cannot serve: it refuses, naming the backend and the missing capability.
 * The moves never call it (they skip the step on the declared capability); this keeps a direct
 * caller from mistaking silence for success.
 */
export function refuseLacking(where: string, capability: "manifestRestore" | "consumerInvalidation"): () => Promise<never> {
  return () => Promise.reject(new ServingError("rejected", `${where}: ${lackingReason(capability)}`));
}
