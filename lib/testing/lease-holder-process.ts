// Starts lease-holder-main.ts as a child process: a lease holder a test can kill without warning.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export type LeaseHolderProcess = { token: number; kill: () => Promise<void> };

/** Resolves once the child holds the lease on `key` (and rejects if it could not take it). */
export async function holdLeaseInChild(key: string, ttlMs: number, note: Record<string, string>): Promise<LeaseHolderProcess> {
  // Node itself with tsx's loader, not the tsx launcher: the launcher runs the script in a child
  // of its own, which a SIGKILL to the launcher would leave running.
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", join(ROOT, "lib/testing/lease-holder-main.ts"), key, String(ttlMs), JSON.stringify(note)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", DATABASE_URL: process.env.DATABASE_URL ?? "", NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const token = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the lease holder did not answer in 20 s:\n${stderr}`)), 20_000);
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /^(held (\d+)|busy)$/m.exec(stdout);
        if (!match) return;
        clearTimeout(timer);
        if (match[2]) resolve(Number(match[2]));
        else reject(new Error(`the lease on ${key} is held by someone else`));
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`the lease holder exited before holding the lease:\n${stderr}`));
      });
    });
    return { token, kill };
  } catch (error) {
    await kill();
    throw error;
  }
}
