import { describe, expect, it } from "vitest";
import { MAX_POINTS_PER_REQUEST } from "@/lib/metrics/point-check";
import { registerModelVersionInput } from "@/lib/registry/schemas";
import { servingBackends } from "@/lib/serving/backends";
import { buildOpenApiDocument } from "./openapi";

type Operation = {
  operationId: string;
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, unknown>;
  security: unknown[];
};

const operations = () =>
  Object.entries(buildOpenApiDocument().paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation: operation as Operation })),
  );

describe("buildOpenApiDocument", () => {
  it("states the metrics batch limit the server enforces, in its schema and its words", () => {
    const ingest = operations().find((o) => o.operation.operationId === "ingestMetrics")!;
    const points = (ingest.operation.requestBody!.content["application/json"]!.schema as { properties: { points: { maxItems: number; description: string } } }).properties.points;
    expect(points.maxItems).toBe(MAX_POINTS_PER_REQUEST);
    const stated = Number(points.description.match(/Up to ([\d,]+) points/)![1]!.replace(/,/g, ""));
    expect(stated).toBe(MAX_POINTS_PER_REQUEST);
  });

  it("gives every operation a unique id", () => {
    const ids = operations().map((o) => o.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("declares every path segment as a required path parameter", () => {
    for (const { path, operation } of operations()) {
      const segments = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const declared = (operation.parameters ?? []).filter((p) => p.in === "path");
      expect(declared.map((p) => p.name), path).toEqual(segments);
      expect(declared.every((p) => p.required)).toBe(true);
    }
  });

  it("documents 401 and 403 for every guarded operation and no security for public ones", () => {
    for (const { path, operation } of operations()) {
      if (operation.security.length === 0) continue;
      expect(Object.keys(operation.responses), path).toEqual(expect.arrayContaining(["401", "403"]));
    }
    const document = buildOpenApiDocument();
    expect(document.paths["/api/v1/openapi.json"]!.get).toMatchObject({ security: [] });
  });

  it("uses the handler's own request schema, so the two cannot drift", () => {
    const register = buildOpenApiDocument().paths["/api/v1/models/{model}/versions"]!.post as Operation;
    const schema = register.requestBody!.content["application/json"]!.schema as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(Object.keys(registerModelVersionInput.shape));
  });

  it("lists query parameters with whether they are required", () => {
    const list = buildOpenApiDocument().paths["/api/v1/deployments"]!.get as Operation;
    expect(list.parameters!.filter((p) => p.in === "query").map((p) => [p.name, p.required])).toEqual([
      ["q", false],
      ["state", false],
      ["model", false],
      ["sort", false],
      ["order", false],
      ["page", false],
    ]);
  });

  it("documents every public route of the issues' contracts", () => {
    const paths = Object.keys(buildOpenApiDocument().paths);
    for (const path of [
      "/api/v1/me",
      "/api/v1/models/{model}/versions",
      "/api/v1/deployments/{deployment}/promotions",
      "/api/v1/metrics",
      "/api/v1/deployments/{deployment}/policy",
      "/api/v1/deployments/{deployment}/policy/test",
      "/api/v1/deployments/{deployment}/rollback-plan",
      "/api/v1/deployments/{deployment}/series",
      "/api/v1/deployments/{deployment}/detections",
      "/api/v1/deployments/{deployment}/rollbacks",
      "/api/v1/rollbacks/{id}",
      "/api/v1/postmortems/{id}",
      "/api/v1/gate-additions",
      "/api/v1/deployments/{deployment}/rehearsals",
      "/api/v1/rehearsals/{id}",
    ]) {
      expect(paths).toContain(path);
    }
    const series = buildOpenApiDocument().paths["/api/v1/deployments/{deployment}/series"]!.get as Operation;
    expect(series.parameters!.filter((p) => p.in === "query").map((p) => p.name)).toEqual(["metric", "from", "to", "maxPoints"]);
  });

  it("offers every registered serving backend kind as a deployment's serving input", () => {
    const create = buildOpenApiDocument().paths["/api/v1/deployments"]!.post as Operation;
    const body = create.requestBody!.content["application/json"]!.schema as { properties: { serving: { oneOf: { properties: { kind: { const: string } } }[] } } };
    expect(body.properties.serving.oneOf.map((member) => member.properties.kind.const)).toEqual([...servingBackends.kinds]);
  });

  it("documents how the evaluator decides on both policy routes: window, gaps, samples and no data", () => {
    const policy = buildOpenApiDocument().paths["/api/v1/deployments/{deployment}/policy"]!;
    for (const method of ["get", "put"]) {
      const description = (policy[method] as { description: string }).description;
      expect(description, method).toMatch(/every point in the window/i);
      expect(description, method).toMatch(/max\(2 × sampleIntervalSeconds, 5 % of windowSeconds\)/);
      expect(description, method).toMatch(/fewer than `minSamples`/);
      expect(description, method).toMatch(/`no_data`/);
    }
    const body = (policy.put as Operation).requestBody!.content["application/json"]!.schema as { properties: Record<string, { description?: string }> };
    for (const field of ["windowSeconds", "evaluationIntervalSeconds", "minSamples", "sampleIntervalSeconds"]) {
      expect(body.properties[field]?.description, field).toBeTruthy();
    }
  });

  it("says that an unknown or repeated query parameter is refused", () => {
    const series = buildOpenApiDocument().paths["/api/v1/deployments/{deployment}/series"]!.get as Operation & { responses: Record<string, { description: string }> };
    expect(series.responses["400"]!.description).toMatch(/unknown or repeated query parameter/);
  });
});
