import { apiRoute, json } from "@/lib/api/route";
import { db } from "@/lib/db";
import { conflict, notFound } from "@/lib/errors";
import { getRehearsal } from "@/lib/rehearsals/manage-rehearsals";
import { startRehearsal } from "@/lib/rehearsals/start-rehearsal";

type Params = { deployment: string };

/**
 * Starts a rehearsal now: 201 `{id, status}`. A refusal is kept as a REFUSED rehearsal and
 * answered 409 with its reason and `rehearsalId`, so a pipeline can tell "not now" from success.
 */
export const POST = apiRoute<undefined, Params>({ role: "OPERATOR" }, async ({ actor, requestId, params }) => {
  const result = await startRehearsal({ actor, requestId }, { deploymentSlug: params.deployment, trigger: "MANUAL" });
  if (result.status === "REFUSED") {
    throw conflict(`rehearsal refused: ${result.reason}`, { rehearsalId: result.id, status: "REFUSED", reason: result.reason });
  }
  return json({ id: result.id, status: result.status }, 201);
});

/** The deployment's rehearsals, newest first. */
export const GET = apiRoute<undefined, Params>({ role: "VIEWER" }, async ({ params }) => {
  const deployment = await db().deployment.findUnique({ where: { slug: params.deployment }, select: { id: true } });
  if (!deployment) throw notFound(`deployment ${params.deployment}`);
  const rows = await db().rehearsal.findMany({ where: { deploymentId: deployment.id }, orderBy: { startedAt: "desc" }, take: 100, select: { id: true } });
  return { rehearsals: await Promise.all(rows.map((r) => getRehearsal(r.id))) };
});
