// `ServingAdapter` over HAProxy's Runtime API. One HAProxy backend serves the deployment, with one
// server per pinned version; traffic moves by setting the servers' weights. HAProxy has no notion
// of a pinned version, of a manifest or of consumers, so:
//
// - The PINNED version is the one whose server carries the most traffic (on a tie, the server
//   listed first in the backend). `pinVersion` makes the version's server eligible for traffic
//   (back from a forced maintenance or drain) and leaves the weights to `setTraffic`, so a ramp
//   still starts from where traffic is: the pinned version follows the weights.
// - TRAFFIC is what HAProxy sends new requests to: each server's current weight, counted only
//   while it is in rotation (not in maintenance, not draining, not down), as whole percents.
// - The REVISION is derived: HAProxy keeps no change counter, so it is a hash of every server's
//   name, current weight and administrative state as read back. A reload resets runtime weights
//   to haproxy.cfg, which changes the hash, so every read (and `verify`) sees it.
//
// Compare-and-set, and its limit: `setTraffic` reads the servers, refuses with `stale_revision` if
// the hash differs from `expectedRevision`, then sends the weights, then reads them back and
// refuses again if they are not what it wrote. The Runtime API has no conditional write, so a
// change by someone else in the milliseconds between that check and the write is not prevented;
// it is detected by the read-back when it touched the same servers, and is otherwise visible to the
// next step's read. Setting an absolute weight is idempotent, so retrying a write is safe.
import { createHash } from "node:crypto";
import type { ServingCapabilities } from "../../capabilities";
import { ServingError, type DeploymentStatus, type ServingAdapter, type TrafficWeight } from "../../port";
import { withRetries, type RetryPolicy } from "../retry";
import { refuseLacking } from "../unsupported";
import type { VersionNames } from "../version-names";
import { runCommands, type StatsSocket } from "./runtime-api";
import { describeServer, FORCED_OUT, inRotation, OPERATIONAL_RUNNING, parseServersState, type ServerState } from "./servers-state";

export interface HaproxyAdapterOptions {
  socket: StatsSocket;
  backend: string;
  servers: VersionNames;
  /** Declared by the configuration: haproxy.cfg keeps sessions on one server (a stick table or cookie). */
  sticky: boolean;
  retry: RetryPolicy;
}

/** What HAProxy can do for a rollback: weights give both a ramp and an instant flip, nothing more. */
export function haproxyCapabilities(sticky: boolean): ServingCapabilities {
  return { ramp: true, instantFlip: true, stickiness: sticky, consumerInvalidation: false, manifestRestore: false };
}

/** Whole percents that sum to 100, by largest remainder, from non-negative shares. */
export function toPercents(shares: readonly { key: string; share: number }[]): { key: string; percent: number }[] {
  const total = shares.reduce((sum, s) => sum + s.share, 0);
  if (total <= 0) return [];
  const exact = shares.map((s, order) => ({ key: s.key, order, exact: (s.share * 100) / total }));
  const floored = exact.map((e) => ({ ...e, percent: Math.floor(e.exact) }));
  let left = 100 - floored.reduce((sum, e) => sum + e.percent, 0);
  for (const e of [...floored].sort((a, b) => b.exact - b.percent - (a.exact - a.percent) || a.order - b.order)) {
    if (left-- <= 0) break;
    e.percent += 1;
  }
  return floored.map(({ key, percent }) => ({ key, percent }));
}

/** The derived revision: changes whenever any server's weight or administrative state does. */
export function weightsRevision(servers: readonly ServerState[]): number {
  const digest = createHash("sha256")
    .update(servers.map((s) => `${s.name}=${s.weight}/${s.admin}`).join(","))
    .digest("hex");
  // 48 bits stay exact in a JavaScript number; 0 is reserved for "does not exist".
  return parseInt(digest.slice(0, 12), 16) || 1;
}

export function createHaproxyServingAdapter(options: HaproxyAdapterOptions): ServingAdapter {
  const { socket, backend, servers: names } = options;
  const capabilities = haproxyCapabilities(options.sticky);
  const where = `HAProxy backend ${backend} (stats socket ${socket.label})`;

  const run = (commands: string[]) => withRetries(options.retry, (attempt, timeoutMs) => runCommands(socket, commands, timeoutMs, attempt));

  async function readServers(): Promise<ServerState[]> {
    const [output = ""] = await run([`show servers state ${backend}`]);
    if (/can't find backend|no such backend/i.test(output)) throw new ServingError("not_found", `${where}: no such backend in the running configuration`);
    if (/permission denied/i.test(output)) throw new ServingError("unauthorized", `${where}: ${output.trim()}`);
    const parsed = parseServersState(output);
    if ("error" in parsed) throw new ServingError("server_error", `${where}: ${parsed.error}`, { retryable: false });
    return parsed.servers;
  }

  const versionOf = (server: ServerState) => names.versionOf(server.name) ?? `unmapped server ${server.name}`;

  function toStatus(deployment: string, servers: ServerState[]): DeploymentStatus {
    const shares = new Map<string, number>();
    for (const server of servers) {
      const version = versionOf(server);
      shares.set(version, (shares.get(version) ?? 0) + (inRotation(server) ? server.weight : 0));
    }
    const traffic: TrafficWeight[] = toPercents([...shares].map(([key, share]) => ({ key, share })))
      .filter((t) => t.percent > 0)
      .map(({ key, percent }) => ({ version: key, percent }))
      // Stable sort: equal shares keep the backend's server order, which decides a tie for "pinned".
      .sort((a, b) => b.percent - a.percent);
    const carrying = servers.filter((s) => s.weight > 0);
    return {
      deployment,
      pinnedVersion: traffic[0]?.version ?? "none",
      traffic,
      stickiness: options.sticky ? "session" : "none",
      ready: carrying.length > 0 && carrying.every((s) => inRotation(s) && s.operational === OPERATIONAL_RUNNING),
      revision: weightsRevision(servers),
      manifest: null,
      consumers: [],
    };
  }

  function serverFor(version: string, servers: ServerState[]): ServerState {
    const name = names.nameOf(version);
    const server = name === null ? undefined : servers.find((s) => s.name === name);
    if (!server) {
      throw new ServingError(
        "rejected",
        name === null ? `${where}: the configuration maps no server to ${version}` : `${where}: no server ${name} for ${version}; add it to haproxy.cfg`,
        { code: "version_refused" },
      );
    }
    return server;
  }

  function checkRevision(servers: ServerState[], expectedRevision: number | undefined): void {
    const current = weightsRevision(servers);
    if (expectedRevision !== undefined && expectedRevision !== current) {
      throw new ServingError("stale_revision", `${where}: the servers changed since they were read (${servers.map(describeServer).join(", ")})`, {
        code: "stale_revision",
        currentRevision: current,
      });
    }
  }

  /** Runs `set` commands; any output is HAProxy refusing one (it answers nothing on success). */
  async function apply(commands: string[]): Promise<void> {
    if (commands.length === 0) return;
    const outputs = await run(commands);
    const refused = outputs.map((output, i) => ({ output: output.trim(), command: commands[i] })).filter((r) => r.output !== "");
    if (refused.length > 0) {
      const detail = refused.map((r) => `${r.command}: ${r.output}`).join("; ");
      throw new ServingError(/no such (server|backend)/i.test(detail) ? "not_found" : /permission denied/i.test(detail) ? "unauthorized" : "rejected", `${where} refused ${detail}`);
    }
  }

  return {
    capabilities,
    checkHealth: async () => {
      await readServers();
      return { status: "ok", capabilities };
    },
    getStatus: async (deployment) => toStatus(deployment, await readServers()),
    pinVersion: async (deployment, input) => {
      const servers = await readServers();
      const server = serverFor(input.version, servers);
      checkRevision(servers, input.expectedRevision);
      if ((server.admin & FORCED_OUT) === 0) return toStatus(deployment, servers);
      await apply([`set server ${backend}/${server.name} state ready`]);
      return toStatus(deployment, await readServers());
    },
    setTraffic: async (deployment, input) => {
      const servers = await readServers();
      const wanted = new Map(input.weights.map((w) => [serverFor(w.version, servers).name, w.percent]));
      checkRevision(servers, input.expectedRevision);
      // Every server of a known version not in the split goes to 0; servers mapped to no version are left alone.
      for (const server of servers) if (!wanted.has(server.name) && names.versionOf(server.name) !== null) wanted.set(server.name, 0);
      const changes = servers.filter((s) => wanted.has(s.name) && wanted.get(s.name) !== s.weight);
      // Raise weights before lowering any, so the backend never passes through all-zero (503s).
      const order = [...changes].sort((a, b) => Number(wanted.get(b.name)! > b.weight) - Number(wanted.get(a.name)! > a.weight));
      await apply(order.map((s) => `set server ${backend}/${s.name} weight ${wanted.get(s.name)}`));
      const after = await readServers();
      const lost = after.filter((s) => wanted.has(s.name) && wanted.get(s.name) !== s.weight);
      if (lost.length > 0) {
        throw new ServingError(
          "stale_revision",
          `${where}: weights read back differ from those just set (${lost.map(describeServer).join(", ")}): a reload or another writer changed them`,
          { code: "stale_revision", currentRevision: weightsRevision(after) },
        );
      }
      return toStatus(deployment, after);
    },
    restoreManifest: refuseLacking(where, "manifestRestore"),
    invalidateConsumers: refuseLacking(where, "consumerInvalidation"),
    getInvalidation: refuseLacking(where, "consumerInvalidation"),
  };
}
