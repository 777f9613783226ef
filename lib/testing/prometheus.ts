import { spawn, execFile, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { finished } from "node:stream/promises";
import { promisify } from "node:util";
import { findFreePort } from "@/lib/platform/free-port";

/*
 * A real Prometheus on exact data, for tests and benchmarks.
 *
 *   const prometheus = await startPrometheus({
 *     series: [{ name: "router_requests_total", type: "counter", labels: { version: "v2" }, samples: [[tsMs, 10], [tsMs + 10_000, 20]] }],
 *   });
 *   // … query prometheus.url (http://127.0.0.1:PORT) …
 *   await prometheus.stop(); // stops the process and deletes its data
 *
 * The series are written as OpenMetrics text (`openMetricsText`) and backfilled into a fresh TSDB
 * with `promtool tsdb create-blocks-from openmetrics` (`backfill`), so Prometheus answers from
 * exactly these samples; then Debian's `/usr/bin/prometheus` starts on that TSDB on a free port
 * with an empty scrape configuration (nothing else is ever written), and `startPrometheus`
 * returns once /-/ready answers. Samples may be as recent as now: with no scraping the head block
 * is empty, so backfilled blocks of the last two hours do not collide with it (verified with
 * Prometheus 2.42; no overlapping-blocks flag is needed, and 2.42 no longer has one). Retention
 * is ten years, so old samples are not deleted under a test.
 *
 * The process is killed if the test process exits without stopping it.
 */

/** Debian's binaries (`apt-get install prometheus`); `startPrometheus` and `backfill` take others. */
export const PROMETHEUS_BINARIES = { prometheus: "/usr/bin/prometheus", promtool: "/usr/bin/promtool" };
const READY_TIMEOUT_MS = 30_000;

/** A sample: epoch milliseconds and a value (NaN and ±Infinity are written as OpenMetrics spells them). */
export type PromSample = readonly [tsMs: number, value: number];

export interface PromSeries {
  /** The sample name; a counter's ends in `_total`. */
  name: string;
  type?: "gauge" | "counter";
  labels?: Record<string, string>;
  /** Oldest first. A generator keeps a large series out of memory. */
  samples: Iterable<PromSample>;
}

const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

function familyOf(series: PromSeries): { family: string; type: "gauge" | "counter" } {
  const type = series.type ?? "gauge";
  if (type === "counter" && !series.name.endsWith("_total")) throw new Error(`counter ${series.name}: an OpenMetrics counter's samples are named <family>_total`);
  return { family: type === "counter" ? series.name.slice(0, -"_total".length) : series.name, type };
}

/** The series as OpenMetrics text lines, a metric family's series together, ending with `# EOF`. */
export function* openMetricsLines(series: readonly PromSeries[]): Generator<string> {
  const families = new Map<string, { type: string; members: PromSeries[] }>();
  for (const s of series) {
    const { family, type } = familyOf(s);
    const entry = families.get(family) ?? { type, members: [] };
    if (entry.type !== type) throw new Error(`${family}: one family cannot be both ${entry.type} and ${type}`);
    entry.members.push(s);
    families.set(family, entry);
  }
  for (const [family, { type, members }] of families) {
    yield `# TYPE ${family} ${type}`;
    for (const s of members) {
      const labels = Object.entries(s.labels ?? {})
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(",");
      const prefix = labels ? `${s.name}{${labels}}` : s.name;
      for (const [ts, value] of s.samples) yield `${prefix} ${formatValue(value)} ${ts / 1000}`;
    }
  }
  yield "# EOF";
}

/** The whole OpenMetrics text (for small data; `backfill` streams). */
export const openMetricsText = (series: readonly PromSeries[]) => `${[...openMetricsLines(series)].join("\n")}\n`;

/** Writes the series into a TSDB at `dataDir` (created) with promtool; the blocks are exact. */
export async function backfill(series: readonly PromSeries[], dataDir: string, promtool = PROMETHEUS_BINARIES.promtool): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, "..", `backfill-${process.pid}-${Date.now()}.om`);
  const out = createWriteStream(file);
  for (const line of openMetricsLines(series)) {
    if (!out.write(`${line}\n`)) await once(out, "drain");
  }
  out.end();
  await finished(out);
  try {
    // One block may span 31 days, so a month of data is a few blocks rather than hundreds of 2-hour ones.
    await promisify(execFile)(promtool, ["tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=744h", file, dataDir], { maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`promtool could not backfill: ${(stderr || stdout || String(error)).trim().slice(-2000)}`);
  } finally {
    await rm(file, { force: true });
  }
}

export interface WebConfig {
  /** Serve HTTPS with this PEM certificate and key. */
  tls?: { certFile: string; keyFile: string };
  /** Require basic auth: user → bcrypt hash of the password. */
  basicAuthUsers?: Record<string, string>;
}

export interface RunningPrometheus {
  /** http(s)://127.0.0.1:PORT, with the route prefix if one was asked for */
  url: string;
  port: number;
  /** The folder that holds the TSDB and configuration; deleted by `stop`. */
  dir: string;
  /** Whether the process is still running. */
  running(): boolean;
  /** Stops the process (SIGTERM, then SIGKILL after 10 s) and deletes its folder; safe to call twice. */
  stop(): Promise<void>;
}

const yamlString = (value: string) => JSON.stringify(value);

function webConfigYaml(web: WebConfig): string {
  const lines: string[] = [];
  if (web.tls) lines.push("tls_server_config:", `  cert_file: ${yamlString(web.tls.certFile)}`, `  key_file: ${yamlString(web.tls.keyFile)}`);
  if (web.basicAuthUsers) {
    lines.push("basic_auth_users:");
    for (const [user, hash] of Object.entries(web.basicAuthUsers)) lines.push(`  ${yamlString(user)}: ${yamlString(hash)}`);
  }
  return `${lines.join("\n")}\n`;
}

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`prometheus exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${log()}`);
    try {
      // A certificate made for a test is not one Node trusts: readiness does not verify it.
      const request = url.startsWith("https:") ? httpsRequest : httpRequest;
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(`${url}/-/ready`, { rejectUnauthorized: false, timeout: 1000 }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.end();
      });
      if (status === 200 || status === 401) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`prometheus was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${log()}`);
}

/**
 * Backfills `series` into a fresh TSDB and starts Prometheus on it. `web` turns on HTTPS and
 * basic auth (Prometheus' --web.config.file). Stop it with `stop()`, also when the test fails.
 */
export async function startPrometheus(
  options: {
    series?: readonly PromSeries[];
    web?: WebConfig;
    /** Serve the API under a path prefix, e.g. `/prometheus` (as Mimir and reverse proxies do); `url` includes it. */
    routePrefix?: string;
    binaries?: typeof PROMETHEUS_BINARIES;
  } = {},
): Promise<RunningPrometheus> {
  const binaries = options.binaries ?? PROMETHEUS_BINARIES;
  const dir = await mkdtemp(join(tmpdir(), "reversegate-prometheus-"));
  try {
    const dataDir = join(dir, "data");
    await backfill(options.series ?? [], dataDir, binaries.promtool);
    await writeFile(join(dir, "prometheus.yml"), "global:\n  scrape_interval: 15s\nscrape_configs: []\n");
    if (options.web) await writeFile(join(dir, "web.yml"), webConfigYaml(options.web));
    const scheme = options.web?.tls ? "https" : "http";
    // A free port can be taken between finding and binding it: try another then.
    for (let attempt = 1; ; attempt++) {
      const port = await findFreePort();
      const child = spawn(
        binaries.prometheus,
        [
          `--config.file=${join(dir, "prometheus.yml")}`,
          `--storage.tsdb.path=${dataDir}`,
          "--storage.tsdb.retention.time=3650d",
          `--web.listen-address=127.0.0.1:${port}`,
          ...(options.web ? [`--web.config.file=${join(dir, "web.yml")}`] : []),
          ...(options.routePrefix ? [`--web.route-prefix=${options.routePrefix}`] : []),
          "--log.level=warn",
        ],
        { stdio: ["ignore", "ignore", "pipe"] },
      );
      live.add(child);
      let stderr = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr = (stderr + chunk.toString("utf8")).slice(-4000);
      });
      const exited = once(child, "exit");
      const url = `${scheme}://127.0.0.1:${port}${options.routePrefix ?? ""}`;
      const stop = async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
          await exited;
          clearTimeout(timer);
        }
        live.delete(child);
      };
      try {
        await waitUntilReady(url, child, () => stderr);
      } catch (error) {
        await stop();
        if (attempt < 3 && /address already in use/.test(stderr)) continue;
        throw error;
      }
      return {
        url,
        port,
        dir,
        running: () => child.exitCode === null && child.signalCode === null,
        stop: async () => {
          await stop();
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * A self-signed certificate for 127.0.0.1 (openssl), valid for a day, written into `dir`: serve
 * HTTPS with it (`web.tls`) and trust it with the certificate file itself as the CA.
 */
export async function makeTestCertificate(dir: string): Promise<{ certFile: string; keyFile: string }> {
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  await promisify(execFile)("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
    "-keyout", keyFile, "-out", certFile,
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
  ]);
  return { certFile, keyFile };
}
