import PgBoss from "pg-boss";
import { afterAll, describe, expect, it } from "vitest";
import { integrationDatabase } from "@/lib/testing/integration-database";
import { unique } from "@/lib/testing/factories";
import { ensureQueue } from "./boss";

const bosses: PgBoss[] = [];

async function startedBoss(): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: integrationDatabase().url, supervise: false, schedule: false, max: 2 });
  boss.on("error", () => {});
  await boss.start();
  bosses.push(boss);
  return boss;
}

afterAll(() => Promise.all(bosses.map((boss) => boss.stop({ graceful: false, wait: true }))));

describe("ensureQueue", () => {
  it("creates one queue when several processes start at once and each creates it", async () => {
    // As two workers starting together do: each its own pg-boss, all creating the same queue.
    const starting = await Promise.all(Array.from({ length: 4 }, startedBoss));
    const name = unique("race-queue").replaceAll("-", "_");
    await Promise.all(starting.map((boss) => ensureQueue(boss, { name, policy: "singleton", retryLimit: 0 })));
    expect(await starting[0]!.getQueue(name)).toMatchObject({ name, policy: "singleton" });
  });
});
