import { apiRoute, json } from "@/lib/api/route";
import { rollbackPlanSchema } from "@/lib/deployments/rollback-plan";
import { getRollbackPlan, putRollbackPlan, ROLLBACK_PLAN_WRITE_ROLE } from "@/lib/deployments/rollback-plan-store";
import { deploymentPathParams } from "@/lib/deployments/schemas";
import { parsePathParams } from "@/lib/registry/schemas";

/** `GET …/rollback-plan`: how the deployment rolls back (its defaults until someone sets a plan). */
export const GET = apiRoute({ role: "VIEWER" }, async ({ params }) => {
  const { deployment } = parsePathParams(deploymentPathParams, params);
  return getRollbackPlan(deployment);
});

/** `PUT …/rollback-plan`: creates (201) or replaces (200) the deployment's rollback plan. */
export const PUT = apiRoute({ role: ROLLBACK_PLAN_WRITE_ROLE, body: rollbackPlanSchema }, async ({ actor, requestId, params, body }) => {
  const { deployment } = parsePathParams(deploymentPathParams, params);
  const { view, created } = await putRollbackPlan({ actor, requestId }, deployment, body);
  return json(view, created ? 201 : 200);
});
