// How every serving backend retries a call: only failures marked retryable, with full-jitter
// exponential backoff, and within a cap on the call's total time. Shared so that the HTTP, HAProxy
// and KServe backends give up in the same way and an operator reads the same "after N attempts".
import { ServingError } from "../port";
import type { ServingDeps } from "../registry";

export interface RetryPolicy {
  /** Per attempt. */
  timeoutMs: number;
  /** Extra attempts after the first, for retryable failures only. */
  retries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Cap on one call's total time, attempts and waits included. */
  maxTotalMs: number;
}

/** The policy from the SERVING_* settings, with the HTTP backend's caps on backoff and total time. */
export function retryPolicyFrom(deps: ServingDeps): RetryPolicy {
  return { timeoutMs: deps.timeoutMs, retries: deps.retries, backoffBaseMs: deps.backoffMs, backoffMaxMs: 5_000, maxTotalMs: 30_000 };
}

/**
 * Full-jitter exponential backoff: a uniform wait in [0, min(maxMs, baseMs·2^(retry−1))).
 * Jitter keeps many callers that failed together from retrying together.
 */
export function backoffDelayMs(retry: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Runs `attempt` until it succeeds, throws anything but a retryable ServingError, runs out of
 * retries, or would not have time for another attempt after the wait. Each attempt gets the
 * per-attempt timeout, shortened to what is left of the total.
 */
export async function withRetries<T>(policy: RetryPolicy, attempt: (attemptNumber: number, timeoutMs: number) => Promise<T>): Promise<T> {
  const startedAt = Date.now();
  for (let attemptNumber = 1; ; attemptNumber++) {
    const remainingMs = policy.maxTotalMs - (Date.now() - startedAt);
    try {
      return await attempt(attemptNumber, Math.max(1, Math.min(policy.timeoutMs, remainingMs)));
    } catch (error) {
      if (!(error instanceof ServingError) || !error.retryable || attemptNumber > policy.retries) throw error;
      const delayMs = backoffDelayMs(attemptNumber, policy.backoffBaseMs, policy.backoffMaxMs);
      // Another attempt needs time left after the wait; otherwise report the failure now.
      if (Date.now() - startedAt + delayMs >= policy.maxTotalMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
