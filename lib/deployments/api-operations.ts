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
import { rollbackPlanSchema, rollbackPlanView } from "./rollback-plan";

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
    description:
      "A version that was rolled back on this deployment needs `override: true`; the override is audited. With `apply: true` the serving plane moves first (manifest, pin, traffic, consumers) and is read back; only then is the promotion recorded. Applied promotions of one deployment run one at a time: another answers 409 naming the one in flight (`inFlight: {version, actor, requestId, since, leaseExpiresAt}`). An apply that fails part-way puts serving back as it was before (read back) or, when it cannot, records what serving shows in the deployment's `traffic`; either way it answers with the step and cause, and audits `deployment.promotion_apply_failed`.",
    tag: "deployments",
    role: "OPERATOR",
    pathParams: deploymentPathParams,
    requestBody: recordPromotionInput,
    responses: {
      201: { description: "Recorded", body: recordPromotionResult },
      404: { description: "No such deployment, or no such version of its model" },
      409: {
        description:
          "The move is illegal now (already live, rolled back without override, frozen, rollback in flight, purged), another applied promotion of this deployment is in flight, or a rollback took serving over mid-apply",
      },
      503: { description: "`apply: <step>: <cause>; the promotion was not recorded; <what serving shows now>`: the serving plane failed mid-apply" },
    },
  },
  {
    id: "getRollbackPlan",
    method: "get",
    path: "/api/v1/deployments/{deployment}/rollback-plan",
    summary: "How the deployment rolls back: traffic mode, ramp stages and dwell, approval, blocking consumers",
    description: "A deployment that never had a plan answers the defaults with `configured: false`.",
    tag: "deployments",
    role: "VIEWER",
    pathParams: deploymentPathParams,
    responses: { 200: { description: "The plan", body: rollbackPlanView }, 404: { description: "No such deployment" } },
  },
  {
    id: "putRollbackPlan",
    method: "put",
    path: "/api/v1/deployments/{deployment}/rollback-plan",
    summary: "Create or replace the deployment's rollback plan",
    description:
      "Omitted fields take their defaults. The mode must be one the deployment's serving backend can do, and each blocking consumer one of its consumers. Audited with before and after; the next rollback uses it.",
    tag: "deployments",
    role: "APPROVER",
    pathParams: deploymentPathParams,
    requestBody: rollbackPlanSchema,
    responses: {
      201: { description: "Created", body: rollbackPlanView },
      200: { description: "Replaced", body: rollbackPlanView },
      404: { description: "No such deployment" },
    },
  },
];
