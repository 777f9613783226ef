import { mkdirSync, mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { holdingLock } from "./next-build";

const folder = mkdtempSync(path.join(tmpdir(), "build-lock-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("holdingLock (one next build of a folder at a time)", () => {
  it("runs concurrent holders one after another, each once", async () => {
    const lock = path.join(folder, "a.lock");
    const events: string[] = [];
    const hold = (name: string) =>
      holdingLock(lock, async () => {
        events.push(`${name} in`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        events.push(`${name} out`);
        return name;
      });
    expect(await Promise.all([hold("first"), hold("second"), hold("third")])).toEqual(["first", "second", "third"]);
    for (let i = 0; i < events.length; i += 2) expect(events[i + 1]).toBe(events[i]!.replace(" in", " out"));
    expect(events).toHaveLength(6);
  });

  it("releases the lock when the work fails", async () => {
    const lock = path.join(folder, "b.lock");
    await expect(holdingLock(lock, () => Promise.reject(new Error("build failed")))).rejects.toThrow("build failed");
    expect(await holdingLock(lock, async () => "next")).toBe("next");
  });

  it("takes over a lock left by a process that died building", async () => {
    const lock = path.join(folder, "c.lock");
    mkdirSync(lock);
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(lock, anHourAgo, anHourAgo);
    expect(await holdingLock(lock, async () => "built")).toBe("built");
  });
});
