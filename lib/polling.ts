import type { QueryState } from "@tanstack/react-query";

/** The longest a failing poll waits before it asks again. */
export const MAX_BACKOFF_MS = 60_000;

/** The wait before the next poll: `everyMs` while answers come, doubled for each failure in a row, at most a minute. */
export function pollDelay(everyMs: number, failuresInARow: number): number {
  return Math.min(everyMs * 2 ** failuresInARow, Math.max(everyMs, MAX_BACKOFF_MS));
}

/** Each query's error count at its last success: TanStack counts errors ever, not in a row. */
const errorsAtLastSuccess = new WeakMap<object, number>();

function failuresInARow(query: { state: QueryState<unknown, Error> }): number {
  const { status, errorUpdateCount } = query.state;
  if (status === "success") {
    errorsAtLastSuccess.set(query, errorUpdateCount);
    return 0;
  }
  return errorUpdateCount - (errorsAtLastSuccess.get(query) ?? 0);
}

/**
 * How a live view polls: every `everyMs` while its tab is visible, never while it is hidden, at
 * once when it is shown again, and backing off while the server fails; `until` stops it for good
 * (e.g. a rollback that reached a final state).
 */
export function polling<TData>(everyMs: number, until?: (data: TData) => boolean) {
  return {
    refetchInterval: (query: { state: QueryState<TData, Error> }) => (query.state.data !== undefined && until?.(query.state.data) ? false : pollDelay(everyMs, failuresInARow(query))),
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: true,
  } as const;
}
