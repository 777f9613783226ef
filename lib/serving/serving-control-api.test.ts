// Keeps the OpenAPI document honest against the zod contract the adapter and simulator use.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  degradationRequestSchema,
  deploymentStatusSchema,
  errorBodySchema,
  healthSchema,
  invalidationReceiptSchema,
  invalidationRequestSchema,
  invalidationStatusSchema,
  manifestRequestSchema,
  pinRequestSchema,
  preflightRequestSchema,
  preflightResultSchema,
  trafficRequestSchema,
} from "./contract";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const document = JSON.parse(
  readFileSync(new URL("./serving-control-api.openapi.json", import.meta.url), "utf8"),
) as JsonObject;

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function resolve(value: Json | undefined): JsonObject {
  if (!isObject(value)) throw new Error("expected an object");
  const ref = value.$ref;
  if (typeof ref !== "string") return value;
  let target: Json | undefined = document;
  for (const part of ref.replace(/^#\//, "").split("/")) target = isObject(target) ? target[part] : undefined;
  return resolve(target);
}

function collectRefs(value: Json, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => collectRefs(item, found));
  else if (isObject(value)) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === "$ref" && typeof inner === "string") found.push(inner);
      else collectRefs(inner, found);
    }
  }
  return found;
}

interface Operation {
  method: string;
  path: string;
  operation: JsonObject;
}

const operations: Operation[] = Object.entries(resolve(document.paths)).flatMap(([path, item]) =>
  Object.entries(resolve(item))
    .filter(([method]) => ["get", "put", "post", "delete"].includes(method))
    .map(([method, operation]) => ({ method: method.toUpperCase(), path, operation: resolve(operation) })),
);

const contract: Record<string, { request?: z.ZodType; success: z.ZodType }> = {
  getHealth: { success: healthSchema },
  getDeploymentStatus: { success: deploymentStatusSchema },
  pinVersion: { request: pinRequestSchema, success: deploymentStatusSchema },
  setTraffic: { request: trafficRequestSchema, success: deploymentStatusSchema },
  restoreManifest: { request: manifestRequestSchema, success: deploymentStatusSchema },
  invalidateConsumers: { request: invalidationRequestSchema, success: invalidationReceiptSchema },
  getInvalidation: { success: invalidationStatusSchema },
  setDegradation: { request: degradationRequestSchema, success: deploymentStatusSchema },
  preflightManifest: { request: preflightRequestSchema, success: preflightResultSchema },
};

describe("serving-control-api.openapi.json", () => {
  it("is OpenAPI 3.1 and every $ref points somewhere", () => {
    expect(document.openapi).toBe("3.1.0");
    for (const ref of collectRefs(document)) expect(() => resolve({ $ref: ref }), ref).not.toThrow();
  });

  it("describes exactly the operations of the Serving Control API", () => {
    const described = operations.map(({ method, path, operation }) => `${method} ${path} ${String(operation.operationId)}`);
    expect(described.sort()).toEqual([
      "GET /v1/deployments/{deployment} getDeploymentStatus",
      "GET /v1/deployments/{deployment}/invalidations/{invalidationId} getInvalidation",
      "GET /v1/health getHealth",
      "POST /v1/deployments/{deployment}/invalidations invalidateConsumers",
      "POST /v1/deployments/{deployment}/preflight preflightManifest",
      "PUT /v1/deployments/{deployment}/degradation setDegradation",
      "PUT /v1/deployments/{deployment}/manifest restoreManifest",
      "PUT /v1/deployments/{deployment}/pin pinVersion",
      "PUT /v1/deployments/{deployment}/traffic setTraffic",
    ]);
  });

  it("has examples that the zod contract accepts", () => {
    let checked = 0;
    for (const { operation } of operations) {
      const schemas = contract[String(operation.operationId)];
      if (schemas === undefined) throw new Error(`no contract for ${String(operation.operationId)}`);
      const requestExample = isObject(operation.requestBody)
        ? resolve(resolve(resolve(operation.requestBody).content)["application/json"]).example
        : undefined;
      if (requestExample !== undefined) {
        expect(schemas.request?.safeParse(requestExample).success, `${String(operation.operationId)} request`).toBe(true);
        checked += 1;
      }
      for (const [status, response] of Object.entries(resolve(operation.responses))) {
        const content = resolve(response).content;
        if (!isObject(content)) continue;
        const example = resolve(content["application/json"]).example;
        if (example === undefined) continue;
        const schema = status.startsWith("2") ? schemas.success : errorBodySchema;
        expect(schema.safeParse(example).success, `${String(operation.operationId)} ${status}`).toBe(true);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  it("says for every error answer whether retrying can help: 5xx and 429 yes, other 4xx no", () => {
    for (const { method, path, operation } of operations) {
      for (const [status, response] of Object.entries(resolve(operation.responses))) {
        if (status.startsWith("2")) continue;
        const code = Number(status);
        expect(resolve(response)["x-retryable"], `${method} ${path} ${status}`).toBe(code >= 500 || code === 429);
      }
    }
  });

  it("documents the signature headers on every operation but health", () => {
    expect(document.security).toEqual([{ ReversegateTimestamp: [], ReversegateSignature: [] }]);
    for (const { path, operation } of operations) {
      expect(operation.security === undefined, path).toBe(path !== "/v1/health");
    }
  });
});
