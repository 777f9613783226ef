import { AppError } from "@/lib/errors";
import type { LifecycleError } from "./lifecycle";

/** A refused lifecycle move as the typed error clients see: the move is illegal now, so 409. */
export function lifecycleAppError(deployment: string, error: LifecycleError): AppError {
  if (error.code === "unpinned_version") return new AppError("VALIDATION", `version: ${error.message}`);
  return new AppError("CONFLICT", `${deployment}: ${error.message}`, { reason: error.code });
}
