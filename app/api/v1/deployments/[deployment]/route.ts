import { apiRoute } from "@/lib/api/route";
import { getDeployment } from "@/lib/deployments/get-deployment";
import { deploymentPathParams } from "@/lib/deployments/schemas";
import { parsePathParams } from "@/lib/registry/schemas";

export const GET = apiRoute({ role: "VIEWER" }, async ({ params }) => {
  const { deployment } = parsePathParams(deploymentPathParams, params);
  return getDeployment(deployment);
});
