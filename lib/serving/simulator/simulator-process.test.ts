// Drives the real simulator process over real HTTP through the real adapter: no fetch mocks.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ServingError } from "../port";
import { createHttpServingAdapter, type HttpServingAdapterOptions } from "../backends/http/adapter";
import { signRequest } from "../signature";
import type { MetricPoint } from "./metrics";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const TSX = join(ROOT, "node_modules/.bin/tsx");
const MAIN = join(ROOT, "lib/serving/simulator/main.ts");
const SECRET = "simulator-test-secret-0123";
const METRICS_TOKEN = "metrics-test-token";
const ACK_MS = 400;
const METRICS_INTERVAL_MS = 150;

interface SimProcess {
  url: string;
  stderr: () => string;
  /** SIGTERM, then the exit code. */
  stop: () => Promise<number | null>;
}

async function startSimProcess(env: Record<string, string>): Promise<SimProcess> {
  // An explicit environment: nothing from the outer shell leaks into the simulator's config.
  const child: ChildProcess = spawn(process.execPath, [TSX, MAIN], {
    cwd: ROOT,
    env: { NODE_ENV: "test", SERVING_SIM_PORT: "0", SERVING_SIM_SECRET: SECRET, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`simulator not ready in time; stderr:\n${stderr}`)), 10_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /serving simulator listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited with ${code} before it was ready; stderr:\n${stderr}`));
    });
  });
  return {
    url,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A port that nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function expectServingError(promise: Promise<unknown>): Promise<ServingError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ServingError);
  return error as ServingError;
}

interface LoggedRequest {
  method: string;
  path: string;
  status: number | null;
  replayed: boolean;
}

interface Push {
  headers: IncomingHttpHeaders;
  points: MetricPoint[];
}

describe("serving simulator process, through the HTTP adapter", () => {
  let sim: SimProcess;
  let receiver: Server;
  let receiverFailing = false;
  const pushes: Push[] = [];

  const adapter = (overrides: Partial<HttpServingAdapterOptions> = {}) =>
    createHttpServingAdapter({
      baseUrl: sim.url,
      secret: SECRET,
      timeoutMs: 2_000,
      retries: 2,
      backoffBaseMs: 10,
      backoffMaxMs: 40,
      ...overrides,
    });

  async function control(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${sim.url}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status, `${method} ${path}`).toBe(200);
    return response.json();
  }

  async function loggedRequests(path: string): Promise<LoggedRequest[]> {
    const { requests } = (await control("GET", "/sim/requests")) as { requests: LoggedRequest[] };
    return requests.filter((entry) => entry.path === path);
  }

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        if (receiverFailing) {
          response.writeHead(503).end();
          return;
        }
        pushes.push({ headers: request.headers, points: (JSON.parse(body) as { points: MetricPoint[] }).points });
        response.writeHead(202, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const { port } = receiver.address() as AddressInfo;
    sim = await startSimProcess({
      SERVING_SIM_METRICS_URL: `http://127.0.0.1:${port}/api/v1/metrics`,
      SERVING_SIM_METRICS_TOKEN: METRICS_TOKEN,
      SERVING_SIM_METRICS_INTERVAL_MS: String(METRICS_INTERVAL_MS),
      SERVING_SIM_CONSUMER_ACK_MS: String(ACK_MS),
    });
  });

  afterAll(async () => {
    expect(await sim.stop()).toBe(0);
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  beforeEach(async () => {
    await control("DELETE", "/sim/reset");
  });

  it("prints the real port when asked for port 0, and answers health unsigned", async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.url.endsWith(":0")).toBe(false);
    const health = await adapter().checkHealth();
    expect(health).toMatchObject({
      status: "ok",
      capabilities: { ramp: true, instantFlip: true, stickiness: true, manifestRestore: true, consumerInvalidation: true, degradation: true, manifestPreflight: true },
    });
    expect(health.degradationLevels?.map((level) => level.level)).toEqual(["reduced", "fallback", "off"]);
    expect(health.degradationLevels?.find((level) => level.level === "reduced")?.disables).toEqual(["tool_use", "long_context"]);
  });

  it("serves a deployment at a degradation level, reports it, and its canary follows the fallback", async () => {
    const serving = adapter();
    await serving.pinVersion("support-router", { version: "v13" });
    await serving.pinVersion("support-router", { version: "v14" });
    await serving.setTraffic("support-router", { weights: [{ version: "v14", percent: 100 }], expectedRevision: 2 });
    const before = await serving.getStatus("support-router");
    expect(before.degradation).toMatchObject({ level: "normal", servedBy: null });

    const degraded = await serving.setDegradation!("support-router", { level: "fallback", reason: "canary below floor" });
    expect(degraded.degradation).toMatchObject({ level: "fallback", reason: "canary below floor", servedBy: "v13 (prior version)" });
    // Not a traffic change: consumers need not re-read anything.
    expect(degraded.revision).toBe(before.revision);
    const again = await serving.setDegradation!("support-router", { level: "fallback", reason: "again" });
    expect(again.degradation?.since).toBe(degraded.degradation?.since);

    // The first push after the change may have been measured before it, and sent just after.
    const since = pushes.length;
    const push = await waitFor(async () => pushes.slice(since).filter((candidate) => candidate.points.some((p) => p.deployment === "support-router"))[1], "a push measured at fallback");
    const v14 = push.points.find((point) => point.deployment === "support-router" && point.version === "v14");
    // v14's traffic is answered by v13 at fallback: the canary reads v13's accuracy.
    expect(Math.abs((v14?.value ?? 0) - 0.91)).toBeLessThanOrEqual(0.0101);

    expect((await serving.setDegradation!("support-router", { level: "normal", reason: "recovered" })).degradation).toMatchObject({ level: "normal", servedBy: null });
    const refused = await expectServingError(adapter().setDegradation!("support-router", { level: "sideways" as "off", reason: "x" }));
    expect(refused).toMatchObject({ kind: "rejected", status: 400 });
  });

  it("answers a manifest preflight per artifact, and records when each consumer acknowledged", async () => {
    const serving = adapter();
    await serving.pinVersion("support-router", { version: "v14" });
    await control("PUT", "/sim/faults", { deployment: "support-router", unreachableArtifacts: ["memory-ckpt-v13"] });
    const preflight = await serving.preflightManifest!("support-router", {
      version: "v13",
      manifest: { weightsDigest: "sha256:aa", vectorIndexSnapshot: "tickets-index-v13", agentMemoryCheckpoint: "memory-ckpt-v13" },
    });
    expect(preflight.artifacts.map((a) => [a.artifact, a.reachable])).toEqual([
      ["vectorIndexSnapshot", true],
      ["agentMemoryCheckpoint", false],
    ]);

    await control("PUT", "/sim/deployments/support-router/consumers", { ids: ["fast-agent", "slow-agent"], ackDelaysMs: { "fast-agent": 20, "slow-agent": 250 } });
    const { invalidationId } = await serving.invalidateConsumers("support-router", { reason: "r", version: "v14" });
    const done = await waitFor(async () => {
      const status = await serving.getInvalidation("support-router", invalidationId);
      return status.pending.length === 0 ? status : undefined;
    }, "both acknowledgements");
    const at = new Map(done.acknowledgements?.map((ack) => [ack.consumer, Date.parse(ack.at) - Date.parse(done.createdAt)]));
    expect(at.get("fast-agent")).toBe(20);
    expect(at.get("slow-agent")).toBe(250);
  });

  it("creates a deployment on its first pin and reports its status", async () => {
    const serving = adapter();
    const created = await serving.pinVersion("support-router", { version: "v14", expectedRevision: 0 });
    expect(created).toMatchObject({
      deployment: "support-router",
      pinnedVersion: "v14",
      traffic: [{ version: "v14", percent: 100 }],
      stickiness: "none",
      ready: true,
      revision: 1,
      manifest: null,
    });
    expect(created.consumers.map((consumer) => consumer.id)).toEqual(["triage-agent", "reply-drafter", "escalation-agent"]);

    const repinned = await serving.pinVersion("support-router", { version: "v13", expectedRevision: 1 });
    // Pinning moves the reference, not the traffic: the ramp is a separate, guarded step.
    expect(repinned).toMatchObject({ pinnedVersion: "v13", revision: 2, traffic: [{ version: "v14", percent: 100 }] });

    const restored = await serving.restoreManifest("support-router", {
      version: "v13",
      manifest: { weightsDigest: "sha256:9f2c", promptTemplate: "routing-prompt@v13", sharedContextEpoch: 41 },
    });
    expect(restored.revision).toBe(3);
    expect(restored.manifest).toEqual({
      version: "v13",
      weightsDigest: "sha256:9f2c",
      promptTemplate: "routing-prompt@v13",
      sharedContextEpoch: 41,
    });

    const traffic = await serving.setTraffic("support-router", {
      weights: [
        { version: "v13", percent: 10 },
        { version: "v14", percent: 90 },
      ],
      stickiness: "session",
      expectedRevision: 3,
    });
    expect(traffic).toMatchObject({ revision: 4, stickiness: "session" });
    expect(await serving.getStatus("support-router")).toEqual(traffic);

    const missing = await expectServingError(serving.getStatus("no-such-deployment"));
    expect(missing).toMatchObject({ kind: "not_found", retryable: false, status: 404, attempts: 1 });
  });

  it("answers a stale expectedRevision with stale_revision, without retrying", async () => {
    const serving = adapter();
    await serving.pinVersion("support-router", { version: "v14" });
    await serving.pinVersion("support-router", { version: "v13" });

    const error = await expectServingError(
      serving.setTraffic("support-router", { weights: [{ version: "v13", percent: 100 }], expectedRevision: 1 }),
    );
    expect(error).toMatchObject({ kind: "stale_revision", retryable: false, status: 409, currentRevision: 2, attempts: 1 });
    expect(await loggedRequests("/v1/deployments/support-router/traffic")).toHaveLength(1);
    expect((await serving.getStatus("support-router")).traffic).toEqual([{ version: "v14", percent: 100 }]);
  });

  it("retries through two 503s and applies the pin once", async () => {
    await control("PUT", "/sim/faults", { failNextRequests: 2 });
    const status = await adapter().pinVersion("support-router", { version: "v14" });
    expect(status).toMatchObject({ pinnedVersion: "v14", revision: 1 });
    const pins = await loggedRequests("/v1/deployments/support-router/pin");
    expect(pins.map((entry) => entry.status)).toEqual([503, 503, 201]);
  });

  it("gives up with server_error when the outage outlasts the retries", async () => {
    await control("PUT", "/sim/faults", { failNextRequests: 5 });
    const error = await expectServingError(adapter({ retries: 1 }).pinVersion("support-router", { version: "v14" }));
    expect(error).toMatchObject({ kind: "server_error", retryable: true, status: 503, attempts: 2 });
    expect(await loggedRequests("/v1/deployments/support-router/pin")).toHaveLength(2);
  });

  it("reports unreachable, after its retries, when nothing listens", async () => {
    const serving = adapter({ baseUrl: `http://127.0.0.1:${await closedPort()}` });
    const error = await expectServingError(serving.getStatus("support-router"));
    expect(error).toMatchObject({ kind: "unreachable", retryable: true, attempts: 3 });
  });

  it("reports timeout when the serving plane accepts and never answers", async () => {
    await control("PUT", "/sim/faults", { hang: true });
    const startedAt = Date.now();
    const error = await expectServingError(adapter({ timeoutMs: 300, retries: 1 }).getStatus("support-router"));
    expect(error).toMatchObject({ kind: "timeout", retryable: true, attempts: 2 });
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    const hung = await loggedRequests("/v1/deployments/support-router");
    expect(hung.map((entry) => entry.status)).toEqual([null, null]);
  });

  it("applies a change once when the answer is lost and the retry replays it", async () => {
    const serving = adapter();
    await serving.pinVersion("support-router", { version: "v14" });
    // The change is applied on arrival; only the answer is late, so the client gives up and retries.
    await control("PUT", "/sim/faults", { deployment: "support-router", latencyMs: 400 });
    const error = await expectServingError(
      adapter({ timeoutMs: 250, retries: 1 }).setTraffic("support-router", {
        weights: [
          { version: "v14", percent: 90 },
          { version: "v13", percent: 10 },
        ],
        expectedRevision: 1,
      }),
    );
    expect(error).toMatchObject({ kind: "timeout", attempts: 2 });
    await control("DELETE", "/sim/faults");

    const status = await serving.getStatus("support-router");
    expect(status.revision).toBe(2);
    expect(status.traffic).toEqual([
      { version: "v14", percent: 90 },
      { version: "v13", percent: 10 },
    ]);
    const attempts = await loggedRequests("/v1/deployments/support-router/traffic");
    expect(attempts.map((entry) => [entry.status, entry.replayed])).toEqual([
      [200, false],
      [200, true],
    ]);
  });

  it("answers a refused version with rejected, without retrying", async () => {
    const serving = adapter();
    await serving.pinVersion("support-router", { version: "v13" });
    await control("PUT", "/sim/faults", { deployment: "support-router", refuseVersions: ["v15"] });

    const pin = await expectServingError(serving.pinVersion("support-router", { version: "v15" }));
    expect(pin).toMatchObject({ kind: "rejected", retryable: false, status: 422, code: "version_refused", attempts: 1 });
    expect(pin.message).toContain("version v15 refused");
    const traffic = await expectServingError(
      serving.setTraffic("support-router", {
        weights: [
          { version: "v13", percent: 50 },
          { version: "v15", percent: 50 },
        ],
        expectedRevision: 1,
      }),
    );
    expect(traffic).toMatchObject({ kind: "rejected", code: "version_refused", attempts: 1 });
    expect(await loggedRequests("/v1/deployments/support-router/pin")).toHaveLength(2);
    expect((await serving.getStatus("support-router")).pinnedVersion).toBe("v13");
  });

  it("rejects an invalid request with 400 naming the field", async () => {
    const serving = adapter();
    await serving.pinVersion("support-router", { version: "v13" });
    const error = await expectServingError(
      serving.setTraffic("support-router", {
        weights: [
          { version: "v13", percent: 50 },
          { version: "v14", percent: 40 },
        ],
        expectedRevision: 1,
      }),
    );
    expect(error).toMatchObject({ kind: "rejected", retryable: false, status: 400, code: "invalid_request", attempts: 1 });
    expect(error.message).toContain("weights: percents must sum to 100 (got 90)");
  });

  it("collects acknowledgements from every consumer of an invalidation", async () => {
    const serving = adapter();
    await serving.pinVersion("support-router", { version: "v14" });
    await serving.pinVersion("support-router", { version: "v13" });

    const receipt = await serving.invalidateConsumers("support-router", { reason: "rollback v14 -> v13", version: "v13" });
    expect(receipt.consumers).toEqual(["triage-agent", "reply-drafter", "escalation-agent"]);
    const early = await serving.getInvalidation("support-router", receipt.invalidationId);
    expect(early).toMatchObject({ version: "v13", reason: "rollback v14 -> v13", acknowledged: [] });
    expect(early.pending).toHaveLength(3);

    const done = await waitFor(async () => {
      const progress = await serving.getInvalidation("support-router", receipt.invalidationId);
      return progress.pending.length === 0 ? progress : undefined;
    }, "every consumer to acknowledge");
    expect([...done.acknowledged].sort()).toEqual(["escalation-agent", "reply-drafter", "triage-agent"]);
    const status = await serving.getStatus("support-router");
    for (const consumer of status.consumers) {
      expect(consumer.acknowledgedRevision).toBe(2);
      expect(Date.parse(consumer.lastAckAt ?? "")).toBeGreaterThanOrEqual(Date.parse(done.createdAt) + ACK_MS);
    }

    const unknown = await expectServingError(serving.getInvalidation("support-router", "inv-999"));
    expect(unknown).toMatchObject({ kind: "not_found", code: "invalidation_not_found" });
  });

  it("leaves a silent consumer pending until it speaks again", async () => {
    const serving = adapter();
    await control("PUT", "/sim/deployments/support-router/consumers", { ids: ["triage-agent", "reply-drafter"] });
    await control("PUT", "/sim/faults", { deployment: "support-router", silentConsumers: ["reply-drafter"] });
    await serving.pinVersion("support-router", { version: "v14" });
    await serving.pinVersion("support-router", { version: "v13" });

    const receipt = await serving.invalidateConsumers("support-router", { reason: "rollback", version: "v13" });
    expect(receipt.consumers).toEqual(["triage-agent", "reply-drafter"]);
    await waitFor(async () => {
      const progress = await serving.getInvalidation("support-router", receipt.invalidationId);
      return progress.acknowledged.length > 0 ? progress : undefined;
    }, "the first acknowledgement");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await serving.getInvalidation("support-router", receipt.invalidationId)).toMatchObject({
      acknowledged: ["triage-agent"],
      pending: ["reply-drafter"],
    });
    const lagging = (await serving.getStatus("support-router")).consumers;
    expect(lagging).toMatchObject([
      { id: "triage-agent", acknowledgedRevision: 2 },
      { id: "reply-drafter", acknowledgedRevision: 1 },
    ]);

    await control("DELETE", "/sim/faults");
    expect((await serving.getInvalidation("support-router", receipt.invalidationId)).pending).toEqual([]);
  });

  it("refuses unsigned, badly signed and stale requests with 401", async () => {
    const path = "/v1/deployments/support-router/pin";
    const body = JSON.stringify({ version: "v13" });
    const send = async (headers: Record<string, string>, sentBody = body) => {
      const response = await fetch(`${sim.url}${path}`, {
        method: "PUT",
        headers: { "content-type": "application/json", ...headers },
        body: sentBody,
      });
      return { status: response.status, body: (await response.json()) as { error: string; message: string } };
    };
    const signed = (secret: string, at: number) => {
      const { timestamp, signature } = signRequest(secret, { method: "PUT", path, rawBody: body }, at);
      return { "x-reversegate-timestamp": timestamp, "x-reversegate-signature": signature };
    };

    expect(await send({})).toEqual({ status: 401, body: { error: "unauthorized", message: "request signature missing" } });
    expect((await send(signed("not-the-shared-secret", Date.now()))).status).toBe(401);
    expect((await send(signed(SECRET, Date.now() - 6 * 60 * 1000))).body.message).toBe("request signature expired");
    expect((await send(signed(SECRET, Date.now()), JSON.stringify({ version: "v14" }))).body.message).toBe(
      "request signature mismatch",
    );
    // The control: the same request, properly signed, goes through.
    expect((await send(signed(SECRET, Date.now()))).status).toBe(201);
    // Reading the status needs no signature, so an operator can curl what is pinned.
    const read = await fetch(`${sim.url}/v1/deployments/support-router`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ pinnedVersion: "v13" });

    const error = await expectServingError(adapter({ secret: "not-the-shared-secret" }).getStatus("support-router"));
    expect(error).toMatchObject({ kind: "unauthorized", retryable: false, status: 401, attempts: 1 });
  });

  it("pushes canary accuracy per version, with samples following the traffic split", async () => {
    const serving = adapter();
    await serving.pinVersion("support-router", { version: "v14" });
    await serving.setTraffic("support-router", {
      weights: [
        { version: "v14", percent: 75 },
        { version: "v13", percent: 25 },
      ],
      expectedRevision: 1,
    });
    await control("PUT", "/sim/deployments/intake-classifier/profile", { versions: { v3: 0.5 } });
    await serving.pinVersion("intake-classifier", { version: "v3" });

    const since = pushes.length;
    const push = await waitFor(async () => {
      const found = pushes.slice(since).find((candidate) => candidate.points.length === 3);
      return found;
    }, "a push with both deployments");

    expect(push.headers.authorization).toBe(`Bearer ${METRICS_TOKEN}`);
    const byKey = new Map(push.points.map((point) => [`${point.deployment}/${point.version}`, point]));
    expect(byKey.get("support-router/v14")).toMatchObject({ metric: "canary_accuracy", sampleCount: 150 });
    expect(byKey.get("support-router/v13")).toMatchObject({ metric: "canary_accuracy", sampleCount: 50 });
    expect(byKey.get("intake-classifier/v3")).toMatchObject({ sampleCount: 200 });
    expect(Math.abs((byKey.get("support-router/v14")?.value ?? 0) - 0.81)).toBeLessThanOrEqual(0.0101);
    expect(Math.abs((byKey.get("support-router/v13")?.value ?? 0) - 0.91)).toBeLessThanOrEqual(0.0101);
    expect(Math.abs((byKey.get("intake-classifier/v3")?.value ?? 0) - 0.5)).toBeLessThanOrEqual(0.0101);
    for (const point of push.points) expect(new Date(point.ts).toISOString()).toBe(point.ts);
  });

  it("keeps serving while the metrics endpoint is down, logging once per failure streak", async () => {
    const serving = adapter();
    await serving.pinVersion("support-router", { version: "v14" });
    const failureLines = () =>
      sim
        .stderr()
        .split("\n")
        .filter((line) => line.includes("metrics push") && line.includes("failed"));
    const before = failureLines().length;

    receiverFailing = true;
    try {
      await new Promise((resolve) => setTimeout(resolve, METRICS_INTERVAL_MS * 5));
      expect(failureLines().length).toBe(before + 1);
      expect((await serving.getStatus("support-router")).pinnedVersion).toBe("v14");
    } finally {
      receiverFailing = false;
    }
    const since = pushes.length;
    await waitFor(async () => (pushes.length > since ? true : undefined), "pushes to resume");
    await waitFor(async () => (sim.stderr().includes("recovered") ? true : undefined), "the recovery line");
    expect(failureLines().length).toBe(before + 1);
  });
});

describe("serving simulator state file", () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "serving-sim-"));
  });

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it("keeps what is pinned across a restart, and shuts down cleanly on SIGTERM", async () => {
    const env = { SERVING_SIM_STATE_FILE: join(directory, "state.json"), SERVING_SIM_CONSUMER_ACK_MS: "0" };
    const first = await startSimProcess(env);
    const before = createHttpServingAdapter({ baseUrl: first.url, secret: SECRET, timeoutMs: 2_000, retries: 0 });
    await before.pinVersion("support-router", { version: "v14" });
    await before.pinVersion("support-router", { version: "v13", expectedRevision: 1 });
    await before.setTraffic("support-router", {
      weights: [
        { version: "v13", percent: 10 },
        { version: "v14", percent: 90 },
      ],
      expectedRevision: 2,
    });
    const receipt = await before.invalidateConsumers("support-router", { reason: "rollback", version: "v13" });
    const status = await before.getStatus("support-router");
    expect(await first.stop()).toBe(0);

    const second = await startSimProcess(env);
    try {
      const after = createHttpServingAdapter({ baseUrl: second.url, secret: SECRET, timeoutMs: 2_000, retries: 0 });
      expect(await after.getStatus("support-router")).toEqual(status);
      expect((await after.getInvalidation("support-router", receipt.invalidationId)).pending).toEqual([]);
      const next = await after.invalidateConsumers("support-router", { reason: "again", version: "v13" });
      expect(next.invalidationId).not.toBe(receipt.invalidationId);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});
