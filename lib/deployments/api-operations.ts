import type { ApiOperation } from "@/lib/api/openapi";
import {
  createDeploymentInput,
  deploymentDetailView,
  deploymentList,
  deploymentListQuery,
  deploymentPathParams,
  recordPromotionInput,
  recordPromotionResult,
} from "./schemas";

export const deploymentOperations: readonly ApiOperation[] = [
  {
    id: "createDeployment",
    method: "post",
    path: "/api/v1/deployments",
    summary: "Create a deployment of a registered model",
    tag: "deployments",
    role: "ADMIN",
    requestBody: createDeploymentInput,
    responses: {
      201: { description: "Created, with nothing live until the first promotion", body: deploymentDetailView },
      404: { description: "No such model" },
      409: { description: "A deployment with this slug exists" },
    },
  },
  {
    id: "listDeployments",
    method: "get",
    path: "/api/v1/deployments",
    summary: "Deployments with state, live and prior versions, last promotion and rollback, and health",
    tag: "deployments",
    role: "VIEWER",
    query: deploymentListQuery,
    responses: { 200: { description: "One page of deployments", body: deploymentList } },
  },
  {
    id: "getDeployment",
    method: "get",
    path: "/api/v1/deployments/{deployment}",
    summary: "One deployment: versions, traffic, and the live and prior manifests",
    tag: "deployments",
    role: "VIEWER",
    pathParams: deploymentPathParams,
    responses: { 200: { description: "The deployment", body: deploymentDetailView }, 404: { description: "No such deployment" } },
  },
  {
    id: "recordPromotion",
    method: "post",
    path: "/api/v1/deployments/{deployment}/promotions",
    summary: "Record a promotion: the version goes live and the one it replaces becomes the prior",
    description: "A version that was rolled back on this deployment needs `override: true`; the override is audited.",
    tag: "deployments",
    role: "OPERATOR",
    pathParams: deploymentPathParams,
    requestBody: recordPromotionInput,
    responses: {
      201: { description: "Recorded", body: recordPromotionResult },
      404: { description: "No such deployment, or no such version of its model" },
      409: { description: "The move is illegal now (already live, rolled back without override, frozen, rollback in flight, purged)" },
    },
  },
];
