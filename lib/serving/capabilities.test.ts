import { describe, expect, it } from "vitest";
import { ALL_CAPABILITIES, hasCapability, listCapabilities, servingCapabilitiesSchema, trafficModeFor, trafficModes } from "./capabilities";
import { skippedMoves } from "./moves";

describe("what a backend's capabilities allow", () => {
  it("offers only the traffic modes the backend can do, falling back from the preferred one", () => {
    expect(trafficModes(ALL_CAPABILITIES)).toEqual(["instant", "ramp"]);
    const flipOnly = { ...ALL_CAPABILITIES, ramp: false };
    expect(trafficModes(flipOnly)).toEqual(["instant"]);
    expect(trafficModeFor("ramp", flipOnly)).toBe("instant");
    expect(trafficModeFor("ramp", { ...ALL_CAPABILITIES, ramp: false, instantFlip: false })).toBeNull();
  });

  it("lists what a rollback will skip on a backend, per mode, with the reason", () => {
    expect(skippedMoves(ALL_CAPABILITIES, "ramp")).toEqual([]);
    const partial = { ...ALL_CAPABILITIES, manifestRestore: false, stickiness: false };
    expect(skippedMoves(partial, "instant")).toEqual(["restoring the prior version's state manifest: the serving backend cannot restore a version's state manifest"]);
    expect(skippedMoves(partial, "ramp")).toEqual([
      "restoring the prior version's state manifest: the serving backend cannot restore a version's state manifest",
      "keeping each session on one version during the ramp: the serving backend cannot keep sessions on one version while traffic is split",
    ]);
  });

  it("lists every capability in a stable order for the deployment page", () => {
    expect(listCapabilities({ ...ALL_CAPABILITIES, stickiness: false }).map((c) => [c.capability, c.supported])).toEqual([
      ["ramp", true],
      ["instantFlip", true],
      ["stickiness", false],
      ["consumerInvalidation", true],
      ["manifestRestore", true],
      ["degradation", true],
      ["manifestPreflight", true],
    ]);
  });

  it("reads an optional capability a backend never declared as missing", () => {
    const older = { ramp: true, instantFlip: true, stickiness: true, consumerInvalidation: true, manifestRestore: true };
    expect(hasCapability(older, "degradation")).toBe(false);
    expect(listCapabilities(older).find((c) => c.capability === "degradation")?.supported).toBe(false);
    expect(servingCapabilitiesSchema.parse(older)).toEqual(older);
  });
});
