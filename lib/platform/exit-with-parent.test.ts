import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { withExitWithParent } from "./exit-with-parent";

const PRELOAD = fileURLToPath(new URL("./exit-with-parent.cjs", import.meta.url));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("a child of a launcher that is killed outright", () => {
  it("and that child's own child stop themselves within a second instead of living on as orphans", async () => {
    // A "launcher" that makes its environment with withExitWithParent (as `npm start` does),
    // starts a child that starts a grandchild (as tsx does), and idles.
    const launcherScript = `
      import { spawn } from "node:child_process";
      import { withExitWithParent } from ${JSON.stringify(new URL("./exit-with-parent.ts", import.meta.url).pathname)};
      const grandchild = "console.log(process.pid); setInterval(() => {}, 1000)";
      const child = "const g = require('node:child_process').spawn(process.execPath, ['-e', " + JSON.stringify(grandchild) + "], { stdio: 'inherit' }); console.log(process.pid); setInterval(() => {}, 1000)";
      spawn(process.execPath, ["-e", child], { env: withExitWithParent({ PATH: process.env.PATH }), stdio: "inherit" });
      setInterval(() => {}, 1000);`;
    const launcher = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", launcherScript], { stdio: ["ignore", "pipe", "inherit"] });
    let printed = "";
    const pids = await new Promise<number[]>((resolve) =>
      launcher.stdout.on("data", (chunk: Buffer) => {
        printed += chunk.toString();
        const found = printed.trim().split(/\s+/).map(Number);
        if (found.length === 2) resolve(found);
      }),
    );
    expect(pids.every(alive)).toBe(true);

    launcher.kill("SIGKILL");
    const deadline = Date.now() + 3_000;
    while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const survivors = pids.filter(alive);
    survivors.forEach((pid) => process.kill(pid, "SIGKILL"));
    expect(survivors).toEqual([]);
  });

  it("keeps the NODE_OPTIONS the caller already had", () => {
    const env = withExitWithParent({ NODE_OPTIONS: "--max-old-space-size=512" });
    expect(env.NODE_OPTIONS).toBe(`--max-old-space-size=512 --require ${JSON.stringify(PRELOAD)}`);
    expect(env.REVERSEGATE_LAUNCHER_PID).toBe(String(process.pid));
  });
});
