import { apiRoute, json } from "@/lib/api/route";
import { recordPromotion } from "@/lib/deployments/record-promotion";
import { deploymentPathParams, recordPromotionInput } from "@/lib/deployments/schemas";
import { parsePathParams } from "@/lib/registry/schemas";

export const POST = apiRoute({ role: "OPERATOR", body: recordPromotionInput, idempotent: true }, async ({ actor, body, params, requestId }) => {
  const { deployment } = parsePathParams(deploymentPathParams, params);
  return json(await recordPromotion({ actor, requestId }, deployment, body), 201);
});
