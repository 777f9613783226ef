import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { rollbackPolicySchema } from "../policy";
import { metricSources } from ".";
import { pushSource } from "./push";
import { createMetricSourceRegistry, defineMetricSource, MetricSourceError } from "./source";

// A source that exists only in this test: a folder's export and one line in a registry.
const constantSource = defineMetricSource({
  kind: "constant",
  label: "A constant (tests only)",
  configSchema: z.strictObject({ value: z.number(), tokenEnv: z.string().optional() }),
  create: (config, deps) => ({
    window: async (_series, { from, to, stepSeconds }) => {
      if (config.tokenEnv && !deps.secret(config.tokenEnv)) throw new MetricSourceError("configuration", `${config.tokenEnv} is not set`);
      const samples = [];
      for (let ts = from; ts <= to; ts += stepSeconds * 1000) samples.push({ ts, value: config.value, sampleCount: 1 });
      return samples;
    },
    priorHistory: async () => null,
    chartSeries: async () => [],
    inspect: async () => ({ query: null, series: [] }),
  }),
  describe: (config) => ({ target: `always ${config.value}` }),
});

const series = { deploymentId: 1, deployment: "support-router", metric: "canary_accuracy", versionId: 2, version: "v14" };

describe("the metric source registry", () => {
  const registry = createMetricSourceRegistry([pushSource, constantSource]);

  it("plugs a new kind in with one registry line: validated, stored, described and read", async () => {
    const stored = registry.toStored(registry.inputSchema.parse({ kind: "constant", value: 0.9 }));
    expect(stored).toEqual({ kind: "constant", config: { value: 0.9 } });
    expect(registry.describe(stored)).toEqual({ target: "always 0.9" });
    const source = registry.create(stored, { secret: () => undefined });
    expect(await source.window(series, { from: 0, to: 20_000, stepSeconds: 10 })).toEqual([
      { ts: 0, value: 0.9, sampleCount: 1 },
      { ts: 10_000, value: 0.9, sampleCount: 1 },
      { ts: 20_000, value: 0.9, sampleCount: 1 },
    ]);
    const unset = registry.create({ kind: "constant", config: { value: 1, tokenEnv: "PROM_TOKEN" } }, { secret: () => undefined });
    await expect(unset.window(series, { from: 0, to: 0, stepSeconds: 10 })).rejects.toMatchObject({ kind: "configuration", message: "PROM_TOKEN is not set" });
  });

  it("names the kinds it knows and the field a configuration gets wrong", () => {
    expect(registry.inputSchema.safeParse({ kind: "graphite" }).error?.issues[0]).toMatchObject({ path: ["kind"], message: 'kind must be one of "push", "constant"' });
    expect(registry.inputSchema.safeParse({ kind: "constant", value: "high" }).error?.issues.map((i) => i.path)).toEqual([["value"]]);
    expect(registry.inputSchema.safeParse({ kind: "push", url: "http://x" }).success).toBe(false);
  });
});

describe("a policy's source", () => {
  const policy = {
    metric: "canary_accuracy",
    direction: "higher_is_better",
    floor: { mode: "explicit", value: 0.88 },
    windowSeconds: 600,
    evaluationIntervalSeconds: 60,
    minSamples: 10,
    action: "notify",
  };

  it("defaults to the pushed points and refuses an unknown kind, naming source.kind", () => {
    expect(rollbackPolicySchema.parse(policy).source).toEqual({ kind: "push" });
    const refused = rollbackPolicySchema.safeParse({ ...policy, source: { kind: "graphite" } });
    expect(refused.error?.issues.map((i) => i.path)).toEqual([["source", "kind"]]);
  });

  it("offers every registered kind in the policy's OpenAPI schema", () => {
    const put = buildOpenApiDocument().paths["/api/v1/deployments/{deployment}/policy"]!.put as {
      requestBody: { content: Record<string, { schema: { properties: { source: { oneOf: { properties: { kind: { const: string } } }[] } } } }> };
    };
    const members = put.requestBody.content["application/json"]!.schema.properties.source.oneOf;
    expect(members.map((m) => m.properties.kind.const)).toEqual([...metricSources.kinds]);
  });
});
