import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ServingError } from "../port";
import { backoffDelayMs, withRetries } from "./retry";

describe("backoffDelayMs", () => {
  it("stays within [0, min(max, base·2^(retry−1)))", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 1_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, baseMs, maxMs, draw) => {
          const delay = backoffDelayMs(retry, baseMs, maxMs, () => draw);
          const ceiling = Math.min(maxMs, baseMs * 2 ** (retry - 1));
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(Math.max(0, ceiling - 1e-9));
          expect(Number.isInteger(delay)).toBe(true);
        },
      ),
    );
  });

  it("doubles its ceiling per retry until the cap", () => {
    const nearlyOne = () => 0.999_999;
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffDelayMs(retry, 100, 1_000, nearlyOne))).toEqual([99, 199, 399, 799, 999, 999]);
  });
});

describe("withRetries", () => {
  const policy = { timeoutMs: 1_000, retries: 2, backoffBaseMs: 1, backoffMaxMs: 2, maxTotalMs: 5_000 };

  it("tries again after a retryable failure and reports the attempt it succeeded on", async () => {
    const seen: number[] = [];
    const result = await withRetries(policy, async (attempt) => {
      seen.push(attempt);
      if (attempt < 3) throw new ServingError("unreachable", "down", { attempts: attempt });
      return "ok";
    });
    expect(result).toBe("ok");
    expect(seen).toEqual([1, 2, 3]);
  });

  it("gives up after the retries with the last failure", async () => {
    const failure = withRetries(policy, async (attempt) => {
      throw new ServingError("timeout", `slow ${attempt}`, { attempts: attempt });
    });
    await expect(failure).rejects.toMatchObject({ kind: "timeout", attempts: 3, message: "slow 3" });
  });

  it("never retries a failure that is not retryable", async () => {
    let calls = 0;
    const failure = withRetries(policy, async () => {
      calls++;
      throw new ServingError("rejected", "no");
    });
    await expect(failure).rejects.toMatchObject({ kind: "rejected" });
    expect(calls).toBe(1);
  });
});
