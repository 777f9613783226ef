// The embedded PostgreSQL where a checkout really sits: inside a folder only its owner may enter.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { withClient } from "./migrate";

const made: string[] = [];
afterAll(async () => {
  for (const folder of made) await rm(folder, { recursive: true, force: true });
});

/** A fresh folder of mode 0700, as `mktemp -d` or root's home. */
async function privateFolder(): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), "rg-private-"));
  made.push(folder);
  return folder;
}

describe("the embedded PostgreSQL", () => {
  it("starts, serves and restarts with its folder inside a 0700 folder (as root: where the postgres user cannot enter)", async () => {
    const cluster = await startEmbeddedPostgres({ dataDir: path.join(await privateFolder(), ".data", "postgres"), persistent: false });
    try {
      const ask = () => withClient(cluster.serverUrl, async (client) => (await client.query<{ answer: number }>("SELECT 42 AS answer")).rows[0]?.answer);
      expect(await ask()).toBe(42);
      await cluster.pgCtl("restart");
      expect(await ask()).toBe(42);
    } finally {
      await cluster.stop();
    }
  }, 60_000);

  it("explains a failure to start in one sentence that says what to do, without a stack trace", async () => {
    const blocker = path.join(await privateFolder(), "not-a-folder");
    await writeFile(blocker, "a file where the cluster's parent folder should be");
    const failure = await startEmbeddedPostgres({ dataDir: path.join(blocker, "postgres"), persistent: false }).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(failure!.message).toMatch(/set DATABASE_URL/);
    expect(failure!.message.split("\n")).toHaveLength(1);
    expect(failure!.stack).toBe(failure!.message);
  });
});
