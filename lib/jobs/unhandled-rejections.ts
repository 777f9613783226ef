import { isDatabaseUnavailable } from "@/lib/errors";

/**
 * Stops the process on a promise rejection nothing handled, except one from losing the database:
 * pg-boss 10 records a job as complete or failed without awaiting it (its manager's `onFetch`), so
 * a database restart at that moment rejects where no code of ours can catch it. The job stays
 * active and pg-boss hands it out again when it expires; rollbacks resume under their lease.
 */
export function stopOnUnhandledRejection(stop: (error: unknown) => void, log: (line: string) => void = console.error): void {
  process.on("unhandledRejection", (error) => {
    if (!isDatabaseUnavailable(error)) return stop(error);
    log(`[jobs] the database went away while a job's outcome was being recorded; the job runs again when it expires (${error instanceof Error ? error.message : String(error)})`);
  });
}
