import { apiRoute, json, parseQuery } from "@/lib/api/route";
import { createDeployment } from "@/lib/deployments/create-deployment";
import { listDeployments } from "@/lib/deployments/list-deployments";
import { createDeploymentInput, deploymentListQuery } from "@/lib/deployments/schemas";

export const POST = apiRoute({ role: "ADMIN", body: createDeploymentInput }, async ({ actor, body, requestId }) =>
  json(await createDeployment({ actor, requestId }, body), 201),
);

export const GET = apiRoute({ role: "VIEWER" }, async ({ url }) => listDeployments(parseQuery(url, deploymentListQuery)));
