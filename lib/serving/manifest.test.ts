import { describe, expect, it } from "vitest";
import { sameManifest, toServingManifest } from "./manifest";

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
