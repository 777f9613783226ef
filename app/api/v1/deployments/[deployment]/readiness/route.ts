import { apiRoute } from "@/lib/api/route";
import { deploymentPathParams } from "@/lib/deployments/schemas";
import { parsePathParams } from "@/lib/registry/schemas";
import { getReadinessReport } from "@/lib/rehearsals/readiness-report";

/** `GET …/readiness`: the rollback SLO, the readiness indicators with their history, and the verdict. */
export const GET = apiRoute<undefined, { deployment: string }>({ role: "VIEWER" }, async ({ params }) => {
  const { deployment } = parsePathParams(deploymentPathParams, params);
  return getReadinessReport(deployment);
});
