import "server-only";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { SYSTEM_ACTOR } from "@/lib/actor";
import { createApiToken, revokeApiToken } from "@/lib/auth/api-tokens";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { newRequestId, runMutation } from "@/lib/mutation";
import { withExitWithParent } from "@/lib/platform/exit-with-parent";
import { ServingError } from "@/lib/serving/port";
import type { Prisma } from "@prisma/client";
import { servingAdapterFor } from "@/lib/serving/for-deployment";
import { toServingManifest } from "@/lib/serving/manifest";

// `npm start`'s demo serving plane: the simulator as a child process, fed a metrics token, with
// every demo deployment pointed at it and pinned to the version the database shows live.

const TOKEN_NAME = "serving-simulator";
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** A fresh OPERATOR token for the simulator's metrics pushes; the previous start's is revoked. */
async function freshMetricsToken(): Promise<string> {
  return runMutation({ actor: SYSTEM_ACTOR, requestId: newRequestId() }, "ADMIN", async (scope) => {
    const old = await scope.tx.apiToken.findMany({ where: { name: TOKEN_NAME, revokedAt: null }, select: { id: true } });
    for (const token of old) await revokeApiToken(scope, token.id);
    return (await createApiToken(scope, { name: TOKEN_NAME, role: "OPERATOR" })).token;
  });
}

/** The base URL of a deployment served over the Serving Control API, or null for other kinds. */
function httpBaseUrl(d: { servingKind: string; servingConfig: Prisma.JsonValue }): string | null {
  const config = d.servingConfig as { baseUrl?: unknown } | null;
  return d.servingKind === "http" && typeof config?.baseUrl === "string" ? config.baseUrl : null;
}

/** Demo deployments on a local serving URL follow the simulator to whichever port it runs on. */
async function pointDeploymentsAt(simUrl: string): Promise<void> {
  const deployments = await db().deployment.findMany({ where: { servingKind: "http" }, select: { id: true, slug: true, servingKind: true, servingConfig: true } });
  const moved = deployments.filter((d) => {
    const baseUrl = httpBaseUrl(d);
    if (baseUrl === null || !URL.canParse(baseUrl)) return false;
    const url = new URL(baseUrl);
    return LOCAL_HOSTS.has(url.hostname) && url.origin !== new URL(simUrl).origin;
  });
  if (moved.length === 0) return;
  await runMutation({ actor: SYSTEM_ACTOR, requestId: newRequestId() }, "ADMIN", async ({ tx, audit }) => {
    for (const d of moved) {
      const config = { ...(d.servingConfig as Prisma.JsonObject), baseUrl: simUrl };
      await tx.deployment.update({ where: { id: d.id }, data: { servingConfig: config } });
      await audit({ action: "deployment.serving_rebound", targetType: "deployment", targetId: d.slug, before: { baseUrl: httpBaseUrl(d) }, after: { baseUrl: simUrl } });
    }
  });
}

/**
 * Makes the simulator show what the database shows: each deployment's live version pinned with
 * its manifest and all the traffic. Deployments with a rollback executing are left to it.
 */
export async function syncServingWithDatabase(simUrl: string, log: (line: string) => void): Promise<void> {
  const deployments = await db().deployment.findMany({
    where: { servingKind: "http", servingConfig: { path: ["baseUrl"], equals: simUrl }, liveVersionId: { not: null } },
    include: { versions: { include: { version: { select: { id: true, version: true, manifest: true } } } } },
  });
  for (const d of deployments) {
    if (d.state === "ROLLING_BACK") continue;
    const serving = servingAdapterFor(d);
    const live = d.versions.find((v) => v.versionId === d.liveVersionId)?.version;
    if (!live) continue;
    let status = await serving.getStatus(d.slug).catch((error: unknown) => {
      if (error instanceof ServingError && error.kind === "not_found") return null;
      throw error;
    });
    status ??= await serving.pinVersion(d.slug, { version: live.version, expectedRevision: 0 });
    if (status.pinnedVersion !== live.version) status = await serving.pinVersion(d.slug, { version: live.version, expectedRevision: status.revision });
    const manifest = toServingManifest(live.manifest);
    if (manifest) status = await serving.restoreManifest(d.slug, { version: live.version, manifest });
    if (!(status.traffic.length === 1 && status.traffic[0]?.version === live.version)) {
      status = await serving.setTraffic(d.slug, { weights: [{ version: live.version, percent: 100 }], expectedRevision: status.revision });
    }
    log(`serving simulator: ${d.slug} pinned to ${live.version} at 100%`);
  }
}

/**
 * Starts the simulator on SERVING_SIM_PORT (default 4010), pushing canary metrics to the app on
 * `appPort`. Answers null (and says why) when it cannot start: the app still runs without it.
 */
export async function startDemoServing(options: {
  root: string;
  appPort: number;
  simPort: number;
  stateFile: string | null;
  log: (line: string) => void;
}): Promise<ChildProcess | null> {
  const simUrl = `http://127.0.0.1:${options.simPort}`;
  let child: ChildProcess | null = null;
  try {
    await pointDeploymentsAt(simUrl);
    const token = await freshMetricsToken();
    child = spawn(process.execPath, [path.join(options.root, "node_modules/.bin/tsx"), path.join(options.root, "lib/serving/simulator/main.ts")], {
      cwd: options.root,
      env: withExitWithParent({
        ...process.env,
        SERVING_SIM_PORT: String(options.simPort),
        SERVING_SIM_SECRET: env().SERVING_SECRET,
        SERVING_SIM_METRICS_URL: `http://127.0.0.1:${options.appPort}/api/v1/metrics`,
        // The plaintext token lives only in the child's environment.
        SERVING_SIM_METRICS_TOKEN: token,
        SERVING_SIM_METRICS_INTERVAL_MS: "5000",
        SERVING_SIM_STATE_FILE: options.stateFile ?? "",
      }),
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error("it did not report listening within 20 s")), 20_000);
      child?.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("serving simulator listening on")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child?.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`it exited with ${code}`));
      });
    });
    await syncServingWithDatabase(simUrl, options.log);
    options.log(`serving simulator on ${simUrl}, pushing canary metrics to the app`);
    return child;
  } catch (error) {
    if (child?.exitCode === null) child.kill("SIGTERM");
    options.log(`serving simulator not started (${error instanceof Error ? error.message : String(error)}); rollbacks will fail at preflight until a serving plane answers on ${simUrl}`);
    return null;
  }
}
