import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { addCompileHints } from "./compile-hints";
import { projectRoot } from "./local-database";

const SOURCES = ["app", "components", "lib", "public", "proxy.ts", "next.config.js", "tsconfig.json", "package-lock.json", "prisma/schema.prisma"];

async function* files(entry: string): AsyncGenerator<string> {
  const full = path.join(projectRoot, entry);
  if (!existsSync(full)) return;
  if ((await stat(full)).isFile()) {
    yield entry;
    return;
  }
  for (const child of (await readdir(full)).sort()) yield* files(path.join(entry, child));
}

/** A hash of everything the production build is made from. */
export async function sourceHash(): Promise<string> {
  const hash = createHash("sha256");
  for (const source of SOURCES) {
    for await (const file of files(source)) {
      hash.update(file).update("\0").update(await readFile(path.join(projectRoot, file))).update("\0");
    }
  }
  return hash.digest("hex");
}

/** A build lock older than this was left by a process that died while building. */
const ABANDONED_LOCK_MS = 15 * 60_000;

/**
 * Holds `lock` (a directory: creating one is atomic) while `work` runs, so processes that need the
 * same build (two integration test files, two servers started at once) build it one at a time,
 * and the later ones find it made. Next refuses a second `next build` of a folder outright.
 */
export async function holdingLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") throw error;
      const since = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (since > ABANDONED_LOCK_MS) await rm(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/**
 * Runs `next build` only when the sources changed since the last build in `distDirName` (the
 * caller passes NEXT_DIST_DIR, which next.config.js reads too).
 */
export async function ensureProductionBuild(log: (line: string) => void, distDirName = ".next"): Promise<"reused" | "built"> {
  const distDir = path.join(projectRoot, distDirName);
  const stampFile = path.join(distDir, "reversegate-source-hash");
  const wanted = await sourceHash();
  const current = async () => (existsSync(stampFile) ? (await readFile(stampFile, "utf8")).trim() : "") === wanted && existsSync(path.join(distDir, "BUILD_ID"));
  if (await current()) return "reused";
  return holdingLock(`${distDir}.lock`, async () => {
    if (await current()) return "reused";
    log("building the app (first start, or the code changed)…");
    await new Promise<void>((resolve, reject) => {
      const child = spawn(path.join(projectRoot, "node_modules/.bin/next"), ["build"], {
        cwd: projectRoot,
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (c: Buffer) => (output += c.toString()));
      child.stderr.on("data", (c: Buffer) => (output += c.toString()));
      child.on("error", reject);
      child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build failed:\n${output}`))));
    });
    await addCompileHints(distDir);
    await writeFile(stampFile, wanted);
    return "built" as const;
  });
}
