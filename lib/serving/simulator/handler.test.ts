// The simulator's request handling without a socket: semantics that are awkward to pin down
// over HTTP because they depend on the clock or on exact request shapes.
import { describe, expect, it } from "vitest";
import type { DeploymentStatus, InvalidationReceipt, InvalidationStatus } from "../port";
import { signRequest } from "../signature";
import { handleRequest, type SimOutcome } from "./handler";
import { createInitialState, restoreSnapshot, serializeSnapshot, type SimulatorState } from "./state";

const SECRET = "handler-test-secret-0123";
const ACK_MS = 300;
const T0 = Date.UTC(2026, 5, 17, 14, 0, 0);

function call(
  state: SimulatorState,
  method: string,
  target: string,
  body?: unknown,
  options: { at?: number; idempotencyKey?: string; signed?: boolean } = {},
): { status: number; body: unknown } {
  const at = options.at ?? T0;
  const rawBody = body === undefined ? "" : JSON.stringify(body);
  const headers =
    options.signed === false
      ? { timestamp: undefined, signature: undefined }
      : signRequest(SECRET, { method, path: target, rawBody }, at);
  const outcome: SimOutcome = handleRequest(
    state,
    { method, target, rawBody, idempotencyKey: options.idempotencyKey, ...headers },
    { nowMs: at, random: () => 0.5 },
    { secret: SECRET, consumerAckMs: ACK_MS },
  );
  if (outcome.kind !== "respond") throw new Error("unexpected hang");
  return { status: outcome.status, body: outcome.body };
}

const D = "/v1/deployments/support-router";

describe("simulator request handling", () => {
  it("treats expectedRevision 0 as 'only if it does not exist yet'", () => {
    const state = createInitialState();
    expect(call(state, "PUT", `${D}/pin`, { version: "v14", expectedRevision: 0 }).status).toBe(201);
    expect(call(state, "PUT", `${D}/pin`, { version: "v13", expectedRevision: 0 })).toEqual({
      status: 409,
      body: { error: "stale_revision", message: "expected revision 0, current is 1", currentRevision: 1 },
    });
  });

  it("keeps the revision when a request sets what is already there", () => {
    const state = createInitialState();
    call(state, "PUT", `${D}/pin`, { version: "v14" });
    const manifest = { version: "v14", manifest: { weightsDigest: "sha256:aa", extras: { a: "1", b: "2" } } };
    const revisionAfter = (method: string, path: string, body: unknown) =>
      (call(state, method, path, body).body as DeploymentStatus).revision;

    expect(revisionAfter("PUT", `${D}/pin`, { version: "v14" })).toBe(1);
    expect(revisionAfter("PUT", `${D}/manifest`, manifest)).toBe(2);
    // Same manifest, keys in another order: no change.
    const reordered = { manifest: { extras: { b: "2", a: "1" }, weightsDigest: "sha256:aa" }, version: "v14" };
    expect(revisionAfter("PUT", `${D}/manifest`, reordered)).toBe(2);
    const weights = [{ version: "v14", percent: 100 }];
    expect(revisionAfter("PUT", `${D}/traffic`, { weights, expectedRevision: 2 })).toBe(2);
    expect(revisionAfter("PUT", `${D}/traffic`, { weights, stickiness: "session", expectedRevision: 2 })).toBe(3);
  });

  it("drops versions at 0% from the split", () => {
    const state = createInitialState();
    call(state, "PUT", `${D}/pin`, { version: "v13" });
    const reply = call(state, "PUT", `${D}/traffic`, {
      weights: [
        { version: "v13", percent: 100 },
        { version: "v14", percent: 0 },
      ],
      expectedRevision: 1,
    });
    expect((reply.body as DeploymentStatus).traffic).toEqual([{ version: "v13", percent: 100 }]);
  });

  it("names every invalid field", () => {
    const state = createInitialState();
    call(state, "PUT", `${D}/pin`, { version: "v13" });
    const reply = call(state, "PUT", `${D}/traffic`, {
      weights: [
        { version: "v13", percent: 101 },
        { version: "v13", percent: 0 },
      ],
      expectedRevision: -1,
      color: "blue",
    });
    expect(reply.status).toBe(400);
    const { message } = reply.body as { message: string };
    expect(message).toContain("weights.0.percent");
    expect(message).toContain("expectedRevision");
    expect(message).toContain('"color"');
    expect(call(state, "PUT", "/v1/deployments/Not_A_Name/pin", { version: "v1" }).body).toMatchObject({
      error: "invalid_request",
      message: expect.stringMatching(/^deployment: /),
    });
    expect(call(state, "PUT", "/sim/faults", { errorRate: 1.5 }).body).toMatchObject({
      error: "invalid_request",
      message: expect.stringContaining("errorRate"),
    });
  });

  it("acknowledges invalidations once the acknowledgement delay has passed", () => {
    const state = createInitialState();
    call(state, "PUT", `${D}/pin`, { version: "v14" });
    call(state, "PUT", `${D}/pin`, { version: "v13" });
    const { invalidationId } = call(state, "POST", `${D}/invalidations`, { reason: "rollback", version: "v13" })
      .body as InvalidationReceipt;
    const progress = (at: number) =>
      call(state, "GET", `${D}/invalidations/${invalidationId}`, undefined, { at }).body as InvalidationStatus;

    expect(progress(T0 + ACK_MS - 1).pending).toHaveLength(3);
    expect(progress(T0 + ACK_MS)).toMatchObject({
      pending: [],
      acknowledged: ["triage-agent", "reply-drafter", "escalation-agent"],
    });
    const consumers = (call(state, "GET", D).body as DeploymentStatus).consumers;
    expect(consumers.every((consumer) => consumer.acknowledgedRevision === 2)).toBe(true);
    expect(consumers[0]?.lastAckAt).toBe(new Date(T0 + ACK_MS).toISOString());
  });

  it("replays an Idempotency-Key and refuses it for a different request", () => {
    const state = createInitialState();
    call(state, "PUT", `${D}/pin`, { version: "v14" });
    const traffic = { weights: [{ version: "v14", percent: 100 }], stickiness: "session", expectedRevision: 1 };
    const first = call(state, "PUT", `${D}/traffic`, traffic, { idempotencyKey: "k1" });
    // Without the key this would be a stale revision; with it, it is the first answer again.
    expect(call(state, "PUT", `${D}/traffic`, traffic, { idempotencyKey: "k1" })).toEqual(first);
    expect(call(state, "PUT", `${D}/traffic`, { ...traffic, stickiness: "none" }, { idempotencyKey: "k1" })).toMatchObject({
      status: 422,
      body: { error: "idempotency_key_reused" },
    });
    expect(call(state, "PUT", `${D}/traffic`, traffic).status).toBe(409);
  });

  it("counts down failNextRequests only on the faulted deployment", () => {
    const state = createInitialState();
    call(state, "PUT", "/sim/faults", { deployment: "support-router", failNextRequests: 1 });
    expect(call(state, "PUT", "/v1/deployments/other/pin", { version: "v1" }).status).toBe(201);
    expect(call(state, "PUT", `${D}/pin`, { version: "v1" }).status).toBe(503);
    expect(call(state, "PUT", `${D}/pin`, { version: "v1" }).status).toBe(201);
  });

  it("answers unknown routes and methods", () => {
    const state = createInitialState();
    expect(call(state, "GET", "/v1/nothing").status).toBe(404);
    expect(call(state, "DELETE", `${D}/pin`).status).toBe(405);
    expect(call(state, "GET", "/sim/faults", undefined, { signed: false }).status).toBe(405);
  });

  it("round-trips its state through a snapshot", () => {
    const state = createInitialState();
    call(state, "PUT", "/sim/deployments/support-router/consumers", { ids: ["triage-agent"] });
    call(state, "PUT", "/sim/deployments/support-router/profile", { versions: { v14: 0.5 } });
    call(state, "PUT", `${D}/pin`, { version: "v14" });
    call(state, "PUT", `${D}/manifest`, { version: "v14", manifest: { weightsDigest: "sha256:bb", sharedContextEpoch: 3 } });
    call(state, "POST", `${D}/invalidations`, { reason: "r", version: "v14" });
    call(state, "PUT", `${D}/degradation`, { level: "reduced", reason: "tools misbehave" });

    const restored = restoreSnapshot(serializeSnapshot(state));
    expect(serializeSnapshot(restored)).toBe(serializeSnapshot(state));
    expect(call(restored, "GET", D).body).toEqual(call(state, "GET", D).body);
    expect(restored.profiles.get("support-router")?.get("v14")).toBe(0.5);
    expect(() => restoreSnapshot('{"deployments": 3}')).toThrow();
    expect((call(restored, "GET", D).body as DeploymentStatus).degradation?.level).toBe("reduced");
  });

  it("reads a snapshot written before degradation existed as serving normally", () => {
    const state = createInitialState();
    call(state, "PUT", `${D}/pin`, { version: "v14" });
    const old = JSON.parse(serializeSnapshot(state)) as { deployments: Record<string, unknown>[]; ackDelays?: unknown };
    for (const deployment of old.deployments) {
      delete deployment.degradation;
      delete deployment.priorVersion;
    }
    delete old.ackDelays;
    const restored = restoreSnapshot(JSON.stringify(old));
    expect((call(restored, "GET", D).body as DeploymentStatus).degradation).toMatchObject({ level: "normal" });
  });
});
