import "server-only";
import { db, type Db, type Tx } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { deploymentViewInclude, loadPendingRollbacks, loadVersionNames, toDeploymentDetailView } from "./deployment-views";
import type { DeploymentDetailView } from "./schemas";

/** One deployment with its versions, live and prior manifests, and what a rollback would move. */
export async function getDeployment(slug: string, client: Db | Tx = db()): Promise<DeploymentDetailView> {
  const row = await client.deployment.findUnique({ where: { slug }, include: deploymentViewInclude });
  if (!row) throw notFound(`deployment ${slug}`);
  const [names, pending] = await Promise.all([loadVersionNames(client, [row.modelId]), loadPendingRollbacks(client, [row.id])]);
  return toDeploymentDetailView(row, names, pending.get(row.id));
}
