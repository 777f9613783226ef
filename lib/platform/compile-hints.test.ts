import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { addCompileHints, COMPILE_HINT } from "./compile-hints";

let dir: string | null = null;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

describe("addCompileHints", () => {
  it("marks the scripts every page starts with, once, and leaves the other chunks alone", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "compile-hints-"));
    await mkdir(path.join(dir, "static/chunks"), { recursive: true });
    await writeFile(path.join(dir, "build-manifest.json"), JSON.stringify({ rootMainFiles: ["static/chunks/framework.js"] }));
    await writeFile(path.join(dir, "static/chunks/framework.js"), "framework();");
    await writeFile(path.join(dir, "static/chunks/page.js"), "page();");

    expect(await addCompileHints(dir)).toEqual(["static/chunks/framework.js"]);
    await addCompileHints(dir);

    expect(await readFile(path.join(dir, "static/chunks/framework.js"), "utf8")).toBe(`${COMPILE_HINT}framework();`);
    expect(await readFile(path.join(dir, "static/chunks/page.js"), "utf8")).toBe("page();");
  });
});
