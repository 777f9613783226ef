import { describe, expect, it } from "vitest";
import { shortenDigest } from "./format-digest";

describe("shortenDigest", () => {
  const full = "sha256:7700f964b9832ccfdb54c6fa72816dbbf87230f604682c067001055542efd7ba";

  it("keeps the algorithm, the first twelve and the last six hex digits", () => {
    expect(shortenDigest(full)).toBe("sha256:7700f964b983…efd7ba");
  });

  it("leaves a value short enough to read whole as it is", () => {
    expect(shortenDigest("sha256:abc123")).toBe("sha256:abc123");
    expect(shortenDigest("triage-mem-ckpt-0409")).toBe("triage-mem-ckpt-0409");
  });

  it("shortens a long value without an algorithm prefix too", () => {
    expect(shortenDigest("7700f964b9832ccfdb54c6fa72816dbbf87230f6")).toBe("7700f964b983…7230f6");
  });
});
