import { describe, expect, it } from "vitest";
import { z } from "zod";
import { versionNames, versionNamesSchema } from "./version-names";

const serverName = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/);
const schema = versionNamesSchema(serverName, "model-{version}");

describe("versionNames", () => {
  it("maps both ways through a pattern, and only names that fit it", () => {
    const names = versionNames("model-{version}.prod");
    expect(names.nameOf("v13")).toBe("model-v13.prod");
    expect(names.versionOf("model-v13.prod")).toBe("v13");
    expect(names.versionOf("model-v13")).toBeNull();
    expect(names.versionOf("backup")).toBeNull();
    // A name that fits but holds no pinned version id (a moving reference) maps to no version.
    expect(names.versionOf("model-latest.prod")).toBeNull();
  });

  it("maps both ways through an explicit map", () => {
    const names = versionNames({ v13: "blue", v14: "green" });
    expect(names.nameOf("v14")).toBe("green");
    expect(names.nameOf("v15")).toBeNull();
    expect(names.versionOf("blue")).toBe("v13");
    expect(names.versionOf("v13")).toBeNull();
  });
});

describe("versionNamesSchema", () => {
  it("accepts a pattern with one placeholder or a map of pinned versions to distinct names", () => {
    expect(schema.parse("{version}")).toBe("{version}");
    expect(schema.parse({ v13: "a", v14: "b" })).toEqual({ v13: "a", v14: "b" });
  });

  it("refuses what cannot map back, naming why", () => {
    const message = (value: unknown) => JSON.stringify(schema.safeParse(value).error?.issues);
    expect(message("model")).toContain("{version} exactly once");
    expect(message("{version}-{version}")).toContain("{version} exactly once");
    expect(message("bad name {version}")).toContain("does not give a valid name");
    expect(message({ v13: "same", v14: "same" })).toContain("two versions map to the same name");
    expect(message({ latest: "a" })).toContain("pin an explicit version id");
    expect(message({})).toContain("at least one version");
  });
});
