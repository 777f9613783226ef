import { apiRoute } from "@/lib/api/route";
import { rollbackPolicySchema } from "@/lib/metrics/policy";
import { testPolicy } from "@/lib/metrics/test-policy";

type Params = { deployment: string };

/** `POST …/policy/test`: runs the body's policy against the live version now; saves nothing. */
export const POST = apiRoute({ role: "OPERATOR", body: rollbackPolicySchema }, async ({ actor, params, body }) =>
  testPolicy(actor, (params as Params).deployment, body),
);
