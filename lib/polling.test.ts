import { QueryClient, QueryObserver, environmentManager, focusManager } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_BACKOFF_MS, pollDelay, polling } from "./polling";

describe("pollDelay", () => {
  it("polls at the base interval while answers come and doubles per failure in a row, at most a minute", () => {
    expect([0, 1, 2, 3].map((failures) => pollDelay(2_000, failures))).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(pollDelay(2_000, 10)).toBe(MAX_BACKOFF_MS);
    expect(pollDelay(120_000, 3)).toBe(120_000);
  });
});

describe("a query polled with polling()", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    environmentManager.setIsServer(() => false);
    focusManager.setFocused(true);
  });
  afterEach(() => {
    focusManager.setFocused(undefined);
    vi.useRealTimers();
  });

  /** A polled query observed as a mounted component would; `answer` decides each fetch's outcome. */
  function observe(answer: () => Promise<string>) {
    const fetches: number[] = [];
    const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 5_000 } } });
    client.mount();
    const observer = new QueryObserver(client, {
      queryKey: ["live"],
      queryFn: () => (fetches.push(Date.now()), answer()),
      ...polling<string>(1_000),
    });
    const unsubscribe = observer.subscribe(() => undefined);
    return { fetches, stop: () => (unsubscribe(), client.unmount(), client.clear()) };
  }

  it("stops asking while the tab is hidden and asks at once when it is shown again", async () => {
    const start = Date.now();
    const { fetches, stop } = observe(async () => "ok");
    await vi.advanceTimersByTimeAsync(3_050);
    expect(fetches.map((t) => t - start)).toEqual([0, 1_000, 2_000, 3_000]);
    focusManager.setFocused(false);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(fetches).toHaveLength(4);
    focusManager.setFocused(true);
    await vi.advanceTimersByTimeAsync(10);
    expect(fetches).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fetches).toHaveLength(6);
    stop();
  });

  it("backs off while the server fails and returns to its interval once it answers", async () => {
    let failing = true;
    const start = Date.now();
    const { fetches, stop } = observe(async () => {
      if (failing) throw new Error("503");
      return "ok";
    });
    await vi.advanceTimersByTimeAsync(15_100);
    // Failed at 0, then waits 2 s, 4 s, 8 s.
    expect(fetches.map((t) => t - start)).toEqual([0, 2_000, 6_000, 14_000]);
    failing = false;
    await vi.advanceTimersByTimeAsync(16_000);
    const after = fetches.map((t) => t - start).filter((t) => t > 14_000);
    expect(after[0]).toBe(30_000);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(fetches.map((t) => t - start).filter((t) => t > 30_000)).toEqual([31_000, 32_000, 33_000]);
    stop();
  });
});
