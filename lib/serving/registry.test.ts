import { describe, expect, it } from "vitest";
import { z } from "zod";
import { servingBackends } from "./backends";
import { httpBackend } from "./backends/http";
import { misconfiguredAdapter, ServingError } from "./port";
import { createServingRegistry, defineServingBackend, type ServingDeps } from "./registry";

const deps = (secrets: Record<string, string> = { SERVING_SECRET: "s3cret-value" }): ServingDeps => ({
  secret: (name) => secrets[name],
  timeoutMs: 1_000,
  retries: 0,
  backoffMs: 0,
  inClusterKubernetesApi: undefined,
});

// A backend that exists only in this test: a folder's export and one line in a registry.
const memoryBackend = defineServingBackend({
  kind: "memory",
  label: "In-memory plane (tests only)",
  configSchema: z.strictObject({ name: z.string().min(1), splits: z.boolean().default(false) }),
  create: (config) => misconfiguredAdapter({ ramp: config.splits, instantFlip: true, stickiness: false, consumerInvalidation: false, manifestRestore: false }, `memory plane ${config.name}`),
  describe: (config) => ({
    target: `memory:${config.name}`,
    capabilities: { ramp: config.splits, instantFlip: true, stickiness: false, consumerInvalidation: false, manifestRestore: false },
  }),
});

describe("the serving backend registry", () => {
  const registry = createServingRegistry([httpBackend, memoryBackend]);

  it("accepts a new kind from one registry line: validated, stored, described and built", async () => {
    const input = registry.inputSchema.parse({ kind: "memory", name: "plane-a" });
    const stored = registry.toStored(input);
    expect(stored).toEqual({ kind: "memory", config: { name: "plane-a", splits: false } });
    expect(registry.toInput(stored)).toEqual({ kind: "memory", name: "plane-a", splits: false });
    expect(registry.describe(stored)).toMatchObject({ target: "memory:plane-a", capabilities: { ramp: false, instantFlip: true } });
    const adapter = registry.create(stored, deps());
    expect(adapter.capabilities.manifestRestore).toBe(false);
    await expect(adapter.getStatus("x")).rejects.toMatchObject({ kind: "misconfigured", message: "memory plane plane-a" });
  });

  it("names the field a configuration gets wrong, and the kinds it knows", () => {
    const wrongKind = registry.inputSchema.safeParse({ kind: "grpc", name: "x" });
    expect(wrongKind.error?.issues).toEqual([expect.objectContaining({ path: ["kind"], message: 'kind must be one of "http", "memory"' })]);
    const wrongField = registry.inputSchema.safeParse({ kind: "memory", name: "" });
    expect(wrongField.error?.issues.map((issue) => issue.path)).toEqual([["name"]]);
    const smuggledSecret = registry.inputSchema.safeParse({ kind: "http", baseUrl: "http://127.0.0.1:4010", secret: "plaintext" });
    expect(smuggledSecret.success).toBe(false);
  });

  it("puts every registered kind into the input's JSON schema", () => {
    const schema = z.toJSONSchema(registry.inputSchema, { io: "input" }) as unknown as { oneOf: { properties: { kind: { const: string } } }[] };
    expect(schema.oneOf.map((member) => member.properties.kind.const)).toEqual(["http", "memory"]);
  });

  it("refuses two backends of one kind", () => {
    expect(() => createServingRegistry([httpBackend, httpBackend])).toThrow(/unique/);
  });
});

describe("the http backend", () => {
  it("points at its base URL and reads its secret from the environment variable it names", async () => {
    const stored = servingBackends.toStored(servingBackends.inputSchema.parse({ kind: "http", baseUrl: "http://127.0.0.1:4010" }));
    expect(stored).toEqual({ kind: "http", config: { baseUrl: "http://127.0.0.1:4010", secretEnv: "SERVING_SECRET" } });
    expect(servingBackends.describe(stored)).toEqual({
      target: "http://127.0.0.1:4010",
      capabilities: { ramp: true, instantFlip: true, stickiness: true, consumerInvalidation: true, manifestRestore: true, degradation: true, manifestPreflight: true },
    });
    const unset = servingBackends.create({ kind: "http", config: { ...stored.config, secretEnv: "PLANE_B_SECRET" } }, deps());
    const failure = await unset.getStatus("x").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServingError);
    expect(failure).toMatchObject({ kind: "misconfigured", retryable: false, message: "the environment variable PLANE_B_SECRET (secretEnv) is not set" });
  });

  it("declares what a partial implementation lacks", () => {
    const stored = { kind: "http", config: { baseUrl: "http://plane:8080", capabilities: { manifestRestore: false } } };
    expect(servingBackends.describe(stored).capabilities).toMatchObject({ manifestRestore: false, ramp: true });
    expect(servingBackends.create(stored, deps()).capabilities.manifestRestore).toBe(false);
  });

  it("refuses a secret name that is not an environment variable's", () => {
    const parsed = servingBackends.inputSchema.safeParse({ kind: "http", baseUrl: "http://plane:8080", secretEnv: "hunter2 is my password" });
    expect(parsed.error?.issues.map((issue) => issue.path)).toEqual([["secretEnv"]]);
  });
});
