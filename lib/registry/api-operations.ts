import type { ApiOperation } from "@/lib/api/openapi";
import { PINNED_VERSION_MESSAGE } from "./version-ref";
import {
  modelPathParams,
  modelVersionList,
  modelVersionView,
  registerModelVersionInput,
  versionListQuery,
  versionPathParams,
} from "./schemas";

export const registryOperations: readonly ApiOperation[] = [
  {
    id: "registerModelVersion",
    method: "post",
    path: "/api/v1/models/{model}/versions",
    summary: "Register an immutable pinned version (the model is created with its first version)",
    description: `The version id must be explicit: ${PINNED_VERSION_MESSAGE}. Without a manifest the artifact digest is taken as the weights digest.`,
    tag: "registry",
    role: "OPERATOR",
    pathParams: modelPathParams,
    requestBody: registerModelVersionInput,
    responses: {
      201: { description: "Registered", body: modelVersionView },
      200: { description: "Replay: this version was already registered with the same content", body: modelVersionView },
      409: { description: "The version id is taken by different content; the message names the existing digest" },
    },
  },
  {
    id: "listModelVersions",
    method: "get",
    path: "/api/v1/models/{model}/versions",
    summary: "A model's versions with their scores, status per deployment and retention",
    tag: "registry",
    role: "VIEWER",
    pathParams: modelPathParams,
    query: versionListQuery,
    responses: { 200: { description: "One page of versions", body: modelVersionList }, 404: { description: "No such model" } },
  },
  {
    id: "getModelVersion",
    method: "get",
    path: "/api/v1/models/{model}/versions/{version}",
    summary: "One version",
    tag: "registry",
    role: "VIEWER",
    pathParams: versionPathParams,
    responses: { 200: { description: "The version", body: modelVersionView }, 404: { description: "No such model or version" } },
  },
  {
    id: "purgeModelVersion",
    method: "delete",
    path: "/api/v1/models/{model}/versions/{version}",
    summary: "Purge a version from the registry (its record is kept, marked purged)",
    description: "Refused while a deployment serves the version or would roll back to it.",
    tag: "registry",
    role: "ADMIN",
    pathParams: versionPathParams,
    responses: {
      200: { description: "Purged (or already purged)", body: modelVersionView },
      404: { description: "No such model or version" },
      409: { description: "The version is live on, or the prior pinned version of, a deployment" },
    },
  },
];
