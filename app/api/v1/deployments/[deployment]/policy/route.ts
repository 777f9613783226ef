import { apiRoute, json, parseQuery } from "@/lib/api/route";
import { policyQuery } from "@/lib/metrics/api-schemas";
import { rollbackPolicySchema } from "@/lib/metrics/policy";
import { listPolicies, POLICY_WRITE_ROLE, putPolicy } from "@/lib/metrics/policy-store";

type Params = { deployment: string };

/** `GET …/policy[?metric=]`: the deployment's rollback policies with effective floor and last verdict. */
export const GET = apiRoute<undefined, Params>({ role: "VIEWER" }, async ({ params, url }) => {
  const { metric } = parseQuery(url, policyQuery);
  return { policies: await listPolicies(params.deployment, metric) };
});

/** `PUT …/policy`: creates (201) or replaces (200) the policy for the body's metric. */
export const PUT = apiRoute({ role: POLICY_WRITE_ROLE, body: rollbackPolicySchema }, async ({ actor, requestId, params, body }) => {
  const { view, created } = await putPolicy({ actor, requestId }, (params as Params).deployment, body);
  return json(view, created ? 201 : 200);
});
