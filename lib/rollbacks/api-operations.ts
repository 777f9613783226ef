import { z } from "zod";
import type { ApiOperation } from "@/lib/api/openapi";
import { approveRollbackBody, listRollbacksQuery, rollbackDecisionBody, rollbackList, rollbackRef, rollbackRequestBody, rollbackViewSchema } from "./schemas";

const deploymentParam = { deployment: z.string().describe("The deployment's slug, e.g. support-router") };
const idParam = { id: z.string().describe("The rollback operation's id") };

const decision = (id: string, verb: string, summary: string, role: ApiOperation["role"], conflictWhen: string, requestBody: ApiOperation["requestBody"] = rollbackDecisionBody): ApiOperation => ({
  id,
  method: "post",
  path: `/api/v1/rollbacks/{id}/${verb}`,
  summary,
  tag: "rollbacks",
  role,
  pathParams: idParam,
  requestBody,
  responses: {
    200: { description: "The operation's new status", body: rollbackRef },
    404: { description: "No such rollback" },
    409: { description: conflictWhen },
  },
});

export const rollbackOperations: readonly ApiOperation[] = [
  {
    id: "requestRollback",
    method: "post",
    path: "/api/v1/deployments/{deployment}/rollbacks",
    summary: "Request a rollback to the prior pinned version",
    description:
      "Send an `Idempotency-Key` header: the same key answers the same operation (200) instead of creating another (201). At most one rollback is in flight per deployment.",
    tag: "rollbacks",
    role: "OPERATOR",
    pathParams: deploymentParam,
    requestBody: rollbackRequestBody,
    responses: {
      201: { description: "Created, awaiting approval (or approved, when a policy allows it)", body: rollbackRef },
      200: { description: "Replayed: this Idempotency-Key already created this operation", body: rollbackRef },
      404: { description: "No such deployment" },
      409: { description: "No prior pinned version, a prior that was rolled back or purged, a frozen deployment, or a rollback already in flight" },
    },
  },
  {
    id: "listDeploymentRollbacks",
    method: "get",
    path: "/api/v1/deployments/{deployment}/rollbacks",
    summary: "This deployment's rollbacks, newest first",
    tag: "rollbacks",
    role: "VIEWER",
    pathParams: deploymentParam,
    query: listRollbacksQuery.omit({ deployment: true }),
    responses: { 200: { description: "The operations", body: rollbackList }, 304: { description: "Unchanged: the ETag sent as If-None-Match is still current (answers carry ETag and Cache-Control: private, no-cache)" }, 404: { description: "No such deployment" } },
  },
  {
    id: "listRollbacks",
    method: "get",
    path: "/api/v1/rollbacks",
    summary: "Rollbacks, newest first, filtered by deployment, status and kind",
    tag: "rollbacks",
    role: "VIEWER",
    query: listRollbacksQuery,
    responses: { 200: { description: "The operations", body: rollbackList }, 304: { description: "Unchanged: the ETag sent as If-None-Match is still current (answers carry ETag and Cache-Control: private, no-cache)" }, 404: { description: "No such deployment" } },
  },
  {
    id: "getRollback",
    method: "get",
    path: "/api/v1/rollbacks/{id}",
    summary: "One rollback: its steps as they run, time to detect and time to roll back",
    tag: "rollbacks",
    role: "VIEWER",
    pathParams: idParam,
    responses: { 200: { description: "The operation", body: rollbackViewSchema }, 304: { description: "Unchanged: the ETag sent as If-None-Match is still current (answers carry ETag and Cache-Control: private, no-cache)" }, 404: { description: "No such rollback" } },
  },
  decision(
    "approveRollback",
    "approve",
    'Approve: execution starts at once; `mode: "instant"` switches a ramp to an instant move first',
    "APPROVER",
    "Not awaiting approval, or an instant rollback asked to become a ramp",
    approveRollbackBody,
  ),
  decision("rejectRollback", "reject", "Reject: nothing is executed", "APPROVER", "Not awaiting approval"),
  decision("cancelRollback", "cancel", "Cancel a rollback that is not executing (the requester, or any APPROVER)", "OPERATOR", "Executing or already final"),
  decision("retryRollback", "retry", "Retry a FAILED rollback; steps the serving plane already shows are skipped (the requester, or any APPROVER)", "OPERATOR", "Not FAILED"),
];
