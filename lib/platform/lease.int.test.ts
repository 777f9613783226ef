import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { unique } from "@/lib/testing/factories";
import { holdLeaseInChild } from "@/lib/testing/lease-holder-process";
import { acquireLease, LeaseLost, newLeaseHolder, type LeaseAttempt } from "./lease";

const acquired = (attempt: LeaseAttempt) => {
  if (attempt.status !== "acquired") throw new Error(`expected to acquire, but ${attempt.current.holder} holds it`);
  return attempt;
};

describe("a lease row", () => {
  it("is held by one holder at a time; released, the next takes it at once with a higher token", async () => {
    const key = unique("lease");
    const first = acquired(await acquireLease(key, { holder: "a", ttlMs: 30_000, note: { doing: "first" } }));
    const refused = await acquireLease(key, { holder: "b", ttlMs: 30_000, note: { doing: "second" } });
    expect(refused).toMatchObject({ status: "busy", current: { holder: "a", token: first.lease.token, note: { doing: "first" } } });

    await first.lease.release();
    const second = acquired(await acquireLease(key, { holder: "b", ttlMs: 30_000, note: { doing: "second" } }));
    expect(second.lease.token).toBe(first.lease.token + 1);
    expect(second.abandoned).toBeNull();
    await expect(first.lease.fence()).rejects.toBeInstanceOf(LeaseLost);
    await second.lease.release();
  });

  it("goes to exactly one of many callers asking at once", async () => {
    const key = unique("lease");
    const attempts = await Promise.all(Array.from({ length: 12 }, () => acquireLease(key, { holder: newLeaseHolder(), ttlMs: 30_000, note: {} })));
    const winners = attempts.filter((attempt) => attempt.status === "acquired");
    expect(winners).toHaveLength(1);
    const holder = winners[0]!.lease.holder;
    for (const attempt of attempts) if (attempt.status === "busy") expect(attempt.current.holder).toBe(holder);
    await winners[0]!.lease.release();
  });

  it("fences out a holder whose lease expired and was taken over, and tells it through `lost`", async () => {
    const key = unique("lease");
    const slow = acquired(await acquireLease(key, { holder: "slow", ttlMs: 30_000, note: {} }));
    // The slow holder stalls past its expiry (its renewals did not get through).
    await db().$executeRaw`UPDATE "Lease" SET "expiresAt" = now() - interval '1 second' WHERE key = ${key}`;
    const next = acquired(await acquireLease(key, { holder: "next", ttlMs: 30_000, note: {} }));
    expect(next.abandoned).toMatchObject({ holder: "slow", token: slow.lease.token });
    await expect(db().$transaction((tx) => slow.lease.fence(tx))).rejects.toBeInstanceOf(LeaseLost);
    expect(slow.lease.lost.aborted).toBe(true);
    await next.lease.fence();
    await Promise.all([slow.lease.release(), next.lease.release()]);
    expect(await db().lease.findUniqueOrThrow({ where: { key } })).toMatchObject({ holder: "next", releasedAt: expect.any(Date) });
  });

  it("of a process that was killed blocks others only until it expires; the next holder is told it was abandoned", async () => {
    const key = unique("lease");
    const child = await holdLeaseInChild(key, 1_500, { doing: "a promotion that died" });
    try {
      expect(await acquireLease(key, { holder: "here", ttlMs: 5_000, note: {} })).toMatchObject({ status: "busy", current: { token: child.token } });
    } finally {
      await child.kill();
    }
    const deadline = Date.now() + 5_000;
    let attempt = await acquireLease(key, { holder: "here", ttlMs: 5_000, note: {} });
    while (attempt.status === "busy" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      attempt = await acquireLease(key, { holder: "here", ttlMs: 5_000, note: {} });
    }
    const taken = acquired(attempt);
    expect(taken.abandoned).toMatchObject({ token: child.token, note: { doing: "a promotion that died" } });
    expect(taken.lease.token).toBe(child.token + 1);
    await taken.lease.release();
  });
});
