// The adapter against a real HAProxy (Debian's haproxy 2.6), without the rollback machinery.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ServingAdapter } from "../../port";
import { haproxyBackend } from ".";
import { toPercents, weightsRevision } from "./adapter";
import { HAPROXY_BACKEND, startHaproxy, type HaproxyProcess } from "./haproxy-process";
import { parseStatsSocket, runCommands } from "./runtime-api";

const deps = { secret: () => undefined, timeoutMs: 2_000, retries: 0, backoffMs: 10, inClusterKubernetesApi: undefined };

describe("toPercents", () => {
  it("gives whole percents that sum to 100, the remainder to the largest fractions", () => {
    expect(toPercents([{ key: "a", share: 1 }, { key: "b", share: 2 }])).toEqual([{ key: "a", percent: 33 }, { key: "b", percent: 67 }]);
    expect(toPercents([{ key: "a", share: 1 }, { key: "b", share: 1 }, { key: "c", share: 1 }]).map((p) => p.percent)).toEqual([34, 33, 33]);
    expect(toPercents([{ key: "a", share: 10 }, { key: "b", share: 90 }])).toEqual([{ key: "a", percent: 10 }, { key: "b", percent: 90 }]);
    expect(toPercents([{ key: "a", share: 0 }])).toEqual([]);
  });
});

describe("weightsRevision", () => {
  const server = { name: "v13", operational: 2, admin: 0, weight: 10, initialWeight: 0 };
  it("changes with any server's weight or administrative state, never to 0", () => {
    const base = weightsRevision([server]);
    expect(base).toBeGreaterThan(0);
    expect(weightsRevision([{ ...server }])).toBe(base);
    expect(weightsRevision([{ ...server, weight: 11 }])).not.toBe(base);
    expect(weightsRevision([{ ...server, admin: 1 }])).not.toBe(base);
    expect(weightsRevision([{ ...server, name: "v14" }])).not.toBe(base);
  });
});

describe("the haproxy adapter on a real HAProxy", () => {
  let haproxy: HaproxyProcess;
  let serving: ServingAdapter;
  const admin = (command: string) => runCommands(parseStatsSocket(haproxy.tcpSocket)!, [command], 2_000);

  beforeAll(async () => {
    haproxy = await startHaproxy({ v13: 0, v14: 100 });
    serving = haproxyBackend.create({ socket: haproxy.tcpSocket, backend: HAPROXY_BACKEND }, deps);
  });
  afterAll(() => haproxy?.stop());
  beforeEach(async () => {
    await haproxy.reload();
  });

  it("reads the weights as traffic, the heaviest version as pinned", async () => {
    const status = await serving.getStatus("support-router");
    expect(status).toMatchObject({
      deployment: "support-router",
      pinnedVersion: "v14",
      traffic: [{ version: "v14", percent: 100 }],
      stickiness: "none",
      ready: true,
      manifest: null,
      consumers: [],
    });
    expect(serving.capabilities).toEqual({ ramp: true, instantFlip: true, stickiness: false, consumerInvalidation: false, manifestRestore: false });
  });

  it("sets a split that real requests follow, and reads it back", async () => {
    const before = await serving.getStatus("d");
    const after = await serving.setTraffic("d", { weights: [{ version: "v13", percent: 25 }, { version: "v14", percent: 75 }], expectedRevision: before.revision });
    expect(after).toMatchObject({ pinnedVersion: "v14", traffic: [{ version: "v14", percent: 75 }, { version: "v13", percent: 25 }] });
    expect(after.revision).not.toBe(before.revision);
    // Round-robin carries its position over from before the change, so a window may be off by one.
    const split = await haproxy.split(400);
    expect(split.v13! + split.v14!).toBe(400);
    expect(Math.abs(split.v13! - 100)).toBeLessThanOrEqual(2);
  });

  it("refuses a change against a revision someone else's change made stale, and names the servers", async () => {
    const read = await serving.getStatus("d");
    await admin(`set server ${HAPROXY_BACKEND}/v13 weight 5`);
    const refused = await serving.setTraffic("d", { weights: [{ version: "v13", percent: 100 }], expectedRevision: read.revision }).catch((error: unknown) => error);
    expect(refused).toMatchObject({
      kind: "stale_revision",
      currentRevision: (await serving.getStatus("d")).revision,
      message: expect.stringContaining("the servers changed since they were read (v13 weight 5, v14 weight 100)"),
    });
    expect((await serving.getStatus("d")).traffic).toEqual([{ version: "v14", percent: 95 }, { version: "v13", percent: 5 }]);
  });

  it("sees a reload put haproxy.cfg's weights back", async () => {
    const moved = await serving.setTraffic("d", { weights: [{ version: "v13", percent: 100 }], expectedRevision: (await serving.getStatus("d")).revision });
    expect(moved).toMatchObject({ pinnedVersion: "v13", traffic: [{ version: "v13", percent: 100 }] });
    await haproxy.reload();
    const reloaded = await serving.getStatus("d");
    expect(reloaded).toMatchObject({ pinnedVersion: "v14", traffic: [{ version: "v14", percent: 100 }] });
    expect(reloaded.revision).not.toBe(moved.revision);
  });

  it("pins a version by taking its server out of forced maintenance, leaving the weights to the traffic step", async () => {
    await admin(`set server ${HAPROXY_BACKEND}/v13 state maint`);
    await admin(`set server ${HAPROXY_BACKEND}/v13 weight 50`);
    const inMaintenance = await serving.getStatus("d");
    // A server in maintenance carries nothing, whatever its weight; the backend is not ready.
    expect(inMaintenance).toMatchObject({ traffic: [{ version: "v14", percent: 100 }], ready: false });
    const pinned = await serving.pinVersion("d", { version: "v13", expectedRevision: inMaintenance.revision });
    expect(pinned).toMatchObject({ traffic: [{ version: "v14", percent: 67 }, { version: "v13", percent: 33 }], ready: true });
    expect(pinned.pinnedVersion).toBe("v14");
  });

  it("refuses a version with no server, and a backend HAProxy does not have", async () => {
    await expect(serving.setTraffic("d", { weights: [{ version: "v15", percent: 100 }], expectedRevision: 1 })).rejects.toMatchObject({
      kind: "rejected",
      message: `HAProxy backend ${HAPROXY_BACKEND} (stats socket ${haproxy.tcpSocket.replace("ipv4@", "")}): no server v15 for v15; add it to haproxy.cfg`,
    });
    const elsewhere = haproxyBackend.create({ socket: haproxy.unixSocket, backend: "nowhere" }, deps);
    await expect(elsewhere.getStatus("d")).rejects.toMatchObject({ kind: "not_found", message: expect.stringContaining("HAProxy backend nowhere") });
  });

  it("reports a server that maps to no version rather than hiding its traffic", async () => {
    const onlyV13 = haproxyBackend.create({ socket: haproxy.tcpSocket, backend: HAPROXY_BACKEND, servers: { v13: "v13" } }, deps);
    expect((await onlyV13.getStatus("d")).traffic).toEqual([{ version: "unmapped server v14", percent: 100 }]);
  });

  it("refuses what HAProxy cannot do rather than pretending", async () => {
    await expect(serving.restoreManifest("d", { version: "v13", manifest: { weightsDigest: "sha256:0" } })).rejects.toMatchObject({
      kind: "rejected",
      message: expect.stringContaining("cannot restore a version's state manifest"),
    });
  });
});
