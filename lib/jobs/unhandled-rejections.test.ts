import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

/** A process that installs the handler, then leaves `rejection` unhandled; what it printed and how it ended. */
function run(rejection: string) {
  const script = `
    import { stopOnUnhandledRejection } from "@/lib/jobs/unhandled-rejections";
    stopOnUnhandledRejection((error) => { console.log("stopped:", error.message); process.exit(3); });
    Promise.reject(${rejection});
    setTimeout(() => { console.log("still running"); process.exit(0); }, 200);`;
  const result = spawnSync(path.join(root, "node_modules/.bin/tsx"), ["--conditions=react-server", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8", timeout: 30_000 });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe("stopOnUnhandledRejection", () => {
  it("keeps a worker running when the database restarts while pg-boss records a job's outcome", () => {
    const { status, output } = run(`Object.assign(new Error("the database system is shutting down"), { code: "57P03" })`);
    expect(output).toContain("the database went away while a job's outcome was being recorded");
    expect(output).toContain("still running");
    expect(status).toBe(0);
  });

  it("still stops the process on any other unhandled rejection", () => {
    const { status, output } = run(`new TypeError("a bug")`);
    expect(output).toContain("stopped: a bug");
    expect(status).toBe(3);
  });
});
