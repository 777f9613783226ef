// `npm run bench`: every benchmark, one after another (each on a throwaway database and its own
// server, so none measures another's load), then one table of their figures and the machine.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Figure } from "./harness";

/** In the order a reader asks: can it take the data, show it, act on it, hold under load, at scale, on a phone. */
const BENCHES = ["ingest", "series", "rollback", "degrade", "load", "big-database", "lighthouse"] as const;

function run(script: string, reportFile: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", `bench:${script}`], { stdio: "inherit", env: { ...process.env, BENCH_REPORT: reportFile } });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(rows[0]!), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.slice(1).map(line)].join("\n");
}

async function main() {
  const only = process.argv.slice(2);
  const chosen = only.length ? BENCHES.filter((b) => only.includes(b)) : [...BENCHES];
  const folder = await mkdtemp(path.join(os.tmpdir(), "reversegate-bench-"));
  const reportFile = path.join(folder, "figures.jsonl");
  const failed: string[] = [];
  const started = Date.now();
  for (const bench of chosen) {
    console.log(`\n=== bench:${bench} ===`);
    const code = await run(bench, reportFile);
    if (code !== 0) failed.push(`${bench} (exit ${code})`);
  }
  const lines = (await readFile(reportFile, "utf8").catch(() => "")).split("\n").filter(Boolean);
  await rm(folder, { recursive: true, force: true });
  const rows = [["Benchmark", "Measure", "Figure", "Target", "Met"]];
  for (const entry of lines.map((l) => JSON.parse(l) as { bench: string; figures: Figure[] })) {
    for (const f of entry.figures) rows.push([entry.bench, f.measure, f.value, f.target ?? "", f.met === undefined ? "" : f.met ? "yes" : "NO"]);
  }
  const cpus = os.cpus();
  console.log(`\n## Benchmarks (${new Date().toISOString().slice(0, 10)}, ${Math.round((Date.now() - started) / 60_000)} min)`);
  console.log(`Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}\n`);
  console.log(table(rows));
  if (failed.length) console.log(`\nFailed: ${failed.join(", ")}`);
  const missed = rows.slice(1).filter((r) => r[4] === "NO").length;
  process.exit(failed.length || missed ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
