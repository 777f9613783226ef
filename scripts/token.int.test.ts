import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { actorFromBearer } from "@/lib/auth/api-tokens";
import { authorizeWithPassword } from "@/lib/auth/options";
import { unique } from "@/lib/testing/factories";

const run = promisify(execFile);
// The CLIs run as a user would run them: with the database's URL and nothing else of the app's.
const cliEnv = () => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NEXTAUTH_SECRET;
  return env;
};
const cli = (script: string, args: string[]) =>
  run("node_modules/.bin/tsx", ["--conditions=react-server", script, ...args], { env: cliEnv() });

describe("npm run token", () => {
  it("creates a token with the role given in any case and prints it alone on the last line", async () => {
    const { stdout } = await cli("scripts/token.ts", ["create", "--name", "ci-pipeline", "--role", "Operator"]);
    const token = stdout.trim().split("\n").at(-1)!;
    expect(token).toMatch(/^rgt_[A-Za-z0-9_-]{40,}$/);
    const actor = await actorFromBearer(`Bearer ${token}`);
    expect(actor).toMatchObject({ type: "TOKEN", role: "OPERATOR", name: "ci-pipeline" });
  }, 60_000);

  it("refuses an unknown role with usage and a non-zero exit", async () => {
    await expect(cli("scripts/token.ts", ["create", "--name", "x", "--role", "root"])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown role "root"'),
    });
  }, 60_000);
});

describe("npm run user", () => {
  it("creates a person who can sign in with the generated password it prints once", async () => {
    const email = `${unique("first-admin")}@example.test`;
    const { stdout } = await cli("scripts/user.ts", ["create", "--email", email, "--name", "First Admin", "--role", "admin"]);
    const password = stdout.trim().split("\n").at(-1)!;
    expect(password.length).toBeGreaterThanOrEqual(20);
    await expect(authorizeWithPassword({ email, password }, { "x-forwarded-for": unique("ip") })).resolves.toMatchObject({ email });
  }, 60_000);

  it("names the field a bad input got wrong", async () => {
    await expect(cli("scripts/user.ts", ["create", "--email", "not-an-email", "--name", "X", "--role", "viewer", "--password", "long-enough-password"])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("email"),
    });
  }, 60_000);
});
