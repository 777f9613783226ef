"use client";

import { useSyncExternalStore } from "react";

// One clock for every relative time on the page: a single timer ticks once a second while
// anything listens, so "5 s ago" keeps counting without a timer per row.

let current = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === null) {
    current = Date.now();
    timer = setInterval(() => {
      current = Date.now();
      for (const notify of listeners) notify();
    }, 1_000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/**
 * The current time in epoch ms, ticking every second in the browser. While rendering on the
 * server and hydrating it is null, so server and browser render the same markup first.
 */
export function useNow(): number | null {
  return useSyncExternalStore(
    subscribe,
    () => current,
    () => null,
  );
}
