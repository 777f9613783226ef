import type { Role } from "@prisma/client";
import { z } from "zod";
import { degradationOperations } from "@/lib/degradation/api-operations";
import { APP_ERROR_CODES } from "@/lib/errors";
import { deploymentOperations } from "@/lib/deployments/api-operations";
import { metricsOperations } from "@/lib/metrics/api-operations";
import { postmortemOperations } from "@/lib/postmortems/api-operations";
import { registryOperations } from "@/lib/registry/api-operations";
import { rollbackOperations } from "@/lib/rollbacks/api-operations";

// The OpenAPI 3.1 document of /api/v1, generated from the zod schemas the handlers validate
// with, so the document cannot drift from what the API accepts.
//
// To document your routes: export a `readonly ApiOperation[]` from your domain (see
// lib/registry/api-operations.ts; import the type only, so there is no import cycle) and add it
// to OPERATION_GROUPS below. 400, 401 and 403
// responses are added for you from the operation's inputs and role.

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export type ApiOperation = {
  /** Unique across the API, e.g. `registerModelVersion`. */
  id: string;
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/api/v1/models/{model}/versions`. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** The least role that may call it; `PUBLIC` needs no bearer token. */
  role: Role | "PUBLIC";
  /** One schema per `{segment}` of the path. */
  pathParams?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  requestBody?: z.ZodType;
  /** Status → what it means, and the JSON body when it is not the standard error. */
  responses: Record<number, { description: string; body?: z.ZodType }>;
};

export const errorBody = z.object({
  error: z.enum(APP_ERROR_CODES),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  requestId: z.string(),
});

const platformOperations: readonly ApiOperation[] = [
  {
    id: "getOpenApiDocument",
    method: "get",
    path: "/api/v1/openapi.json",
    summary: "This document",
    tag: "platform",
    role: "PUBLIC",
    responses: { 200: { description: "The OpenAPI 3.1 document of /api/v1" } },
  },
  {
    id: "getCaller",
    method: "get",
    path: "/api/v1/me",
    summary: "Who the bearer token (or session) is, and its role",
    tag: "platform",
    role: "VIEWER",
    responses: {
      200: {
        description: "The caller",
        body: z.object({ type: z.enum(["USER", "TOKEN", "SYSTEM"]), name: z.string(), role: z.enum(["VIEWER", "OPERATOR", "APPROVER", "ADMIN"]) }),
      },
    },
  },
];

const OPERATION_GROUPS: readonly (readonly ApiOperation[])[] = [platformOperations, registryOperations, deploymentOperations, degradationOperations, metricsOperations, rollbackOperations, postmortemOperations];

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

const jsonContent = (schema: z.ZodType, io: "input" | "output") => ({ "application/json": { schema: jsonSchema(schema, io) } });

const errorResponse = (description: string) => ({ description, content: jsonContent(errorBody, "output") });

function parametersOf(operation: ApiOperation) {
  const pathNames = [...operation.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const path = pathNames.map((name) => ({
    name,
    in: "path",
    required: true,
    schema: jsonSchema(operation.pathParams?.[name] ?? z.string(), "input"),
  }));
  const query = Object.entries(operation.query?.shape ?? {}).map(([name, field]) => ({
    name,
    in: "query",
    required: !(field as z.ZodType).safeParse(undefined).success,
    schema: jsonSchema(field as z.ZodType, "input"),
  }));
  return [...path, ...query];
}

function operationObject(operation: ApiOperation) {
  const parameters = parametersOf(operation);
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(operation.responses)) {
    responses[status] =
      Number(status) >= 400
        ? { description: response.description, content: jsonContent(response.body ?? errorBody, "output") }
        : { description: response.description, ...(response.body ? { content: jsonContent(response.body, "output") } : {}) };
  }
  if (operation.requestBody || parameters.length > 0) {
    responses["400"] ??= errorResponse(
      `Invalid input; \`issues\` names each offending field${parameters.some((p) => p.in === "query") ? ". An unknown or repeated query parameter is refused, not ignored" : ""}`,
    );
  }
  if (operation.role !== "PUBLIC") {
    responses["401"] ??= errorResponse("No bearer token, or one that is unknown, revoked or whose owner is disabled");
    responses["403"] ??= errorResponse(`The caller's role is below ${operation.role}`);
  }
  return {
    operationId: operation.id,
    summary: operation.summary,
    description: [operation.description, operation.role === "PUBLIC" ? "No token needed." : `Needs the ${operation.role} role or above.`]
      .filter(Boolean)
      .join("\n\n"),
    tags: [operation.tag],
    "x-required-role": operation.role,
    security: operation.role === "PUBLIC" ? [] : [{ bearerAuth: [] }],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.requestBody ? { requestBody: { required: true, content: jsonContent(operation.requestBody, "input") } } : {}),
    responses,
  };
}

export function buildOpenApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of OPERATION_GROUPS.flat()) {
    paths[operation.path] ??= {};
    paths[operation.path]![operation.method] = operationObject(operation);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Reversegate API",
      version: "1",
      description: "The reverse path of ML deployments: pinned model versions, deployments, promotions and guarded rollbacks.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    components: { securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "An API token (rgt_…) from Settings → API tokens" } } },
    security: [{ bearerAuth: [] }],
    tags: [...new Set(OPERATION_GROUPS.flat().map((o) => o.tag))].map((name) => ({ name })),
    paths,
  };
}
