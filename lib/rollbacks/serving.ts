import "server-only";
import type { ServingAdapter } from "@/lib/serving/port";
import { createHttpServingAdapter } from "@/lib/serving/backends/http/adapter";
import { env } from "@/lib/env";

/** The serving plane of one deployment, from its `servingBaseUrl` and the shared secret. */
export function servingAdapterFor(baseUrl: string, overrides: { retries?: number } = {}): ServingAdapter {
  const config = env();
  return createHttpServingAdapter({
    baseUrl,
    secret: config.SERVING_SECRET,
    timeoutMs: config.SERVING_TIMEOUT_MS,
    retries: overrides.retries ?? config.SERVING_RETRIES,
    backoffBaseMs: config.SERVING_BACKOFF_MS,
  });
}
