import { describe, expect, it } from "vitest";
import { ServingError } from "@/lib/serving/adapter";
import { describeServingFailure, sameManifest, sameSplit, splitWeights, toServingManifest } from "./serving";

describe("traffic splits", () => {
  it("puts the stage's share on the target and the rest on the other version", () => {
    expect(splitWeights("v13", "v14", 10)).toEqual([
      { version: "v13", percent: 10 },
      { version: "v14", percent: 90 },
    ]);
    expect(splitWeights("v13", "v14", 100)).toEqual([{ version: "v13", percent: 100 }]);
  });

  it("compares shares regardless of order and of versions at 0%", () => {
    expect(sameSplit([{ version: "v14", percent: 90 }, { version: "v13", percent: 10 }], splitWeights("v13", "v14", 10))).toBe(true);
    expect(sameSplit([{ version: "v13", percent: 100 }, { version: "v14", percent: 0 }], splitWeights("v13", "v14", 100))).toBe(true);
    expect(sameSplit([{ version: "v14", percent: 100 }], splitWeights("v13", "v14", 100))).toBe(false);
    expect(sameSplit([{ version: "v13", percent: 20 }, { version: "v14", percent: 80 }], splitWeights("v13", "v14", 10))).toBe(false);
  });
});

describe("toServingManifest", () => {
  it("carries what the wire format cannot type as string extras instead of dropping it", () => {
    expect(toServingManifest({ weightsDigest: "sha256:ab", sharedContextEpoch: "epoch-7", extras: { shards: 4, warm: true } })).toEqual({
      weightsDigest: "sha256:ab",
      extras: { shards: "4", warm: "true", sharedContextEpoch: "epoch-7" },
    });
    expect(toServingManifest({ weightsDigest: "sha256:ab", sharedContextEpoch: "41" })).toEqual({ weightsDigest: "sha256:ab", sharedContextEpoch: 41 });
  });

  it("refuses a manifest without a weights digest", () => {
    expect(toServingManifest({ promptTemplate: "p" })).toBeNull();
    expect(toServingManifest(null)).toBeNull();
  });

  it("recognises the same manifest, and a different one", () => {
    const manifest = { weightsDigest: "sha256:ab", promptTemplate: "p@v13", extras: { a: "1" } };
    expect(sameManifest({ ...manifest, extras: { a: "1" } }, manifest)).toBe(true);
    expect(sameManifest({ ...manifest, promptTemplate: "p@v14" }, manifest)).toBe(false);
    expect(sameManifest(null, manifest)).toBe(false);
  });
});

describe("describeServingFailure", () => {
  it("names the attempts and the root cause of an unreachable serving plane", () => {
    const cause = new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:4999") });
    const error = new ServingError("unreachable", "GET /v1/deployments/x: serving plane unreachable (ECONNREFUSED)", { attempts: 4, cause });
    expect(describeServingFailure(error)).toBe("serving API unreachable after 4 attempts (connect ECONNREFUSED 127.0.0.1:4999)");
  });

  it("quotes a refusal", () => {
    const error = new ServingError("rejected", "PUT /v1/deployments/x/pin: 422 version_refused: version v13 refused", { status: 422 });
    expect(describeServingFailure(error)).toBe("serving API refused the request (PUT /v1/deployments/x/pin: 422 version_refused: version v13 refused)");
  });
});
