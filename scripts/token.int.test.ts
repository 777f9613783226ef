import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { actorFromBearer } from "@/lib/auth/api-tokens";

const run = promisify(execFile);
const cli = (args: string[]) =>
  run("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/token.ts", ...args], { env: { ...process.env } });

describe("npm run token", () => {
  it("creates a token with the role given in any case and prints it alone on the last line", async () => {
    const { stdout } = await cli(["create", "--name", "ci-pipeline", "--role", "Operator"]);
    const token = stdout.trim().split("\n").at(-1)!;
    expect(token).toMatch(/^rgt_[A-Za-z0-9_-]{40,}$/);
    const actor = await actorFromBearer(`Bearer ${token}`);
    expect(actor).toMatchObject({ type: "TOKEN", role: "OPERATOR", name: "ci-pipeline" });
  }, 60_000);

  it("refuses an unknown role with usage and a non-zero exit", async () => {
    await expect(cli(["create", "--name", "x", "--role", "root"])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('unknown role "root"') });
  }, 60_000);
});
