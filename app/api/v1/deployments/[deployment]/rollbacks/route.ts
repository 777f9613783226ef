import { apiRoute, json, parseQuery } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { requestRollback } from "@/lib/rollbacks/request-rollback";
import { listRollbacks } from "@/lib/rollbacks/rollback-views";
import { listRollbacksQuery, rollbackRequestBody, type RollbackRequestBody } from "@/lib/rollbacks/schemas";

type Params = { deployment: string };

/** Requests a rollback to the prior pinned version: 201 when created, 200 when the key replays. */
export const POST = apiRoute<RollbackRequestBody, Params>({ role: "OPERATOR", body: rollbackRequestBody }, async ({ actor, body, params, requestId, request }) => {
  const key = request.headers.get("idempotency-key");
  if (key !== null && (key.trim() === "" || key.length > 200)) {
    throw new AppError("VALIDATION", "Idempotency-Key: 1–200 characters when given");
  }
  const result = await requestRollback(
    { actor, requestId },
    { deploymentSlug: params.deployment, mode: body.mode, reason: body.reason, targetVersion: body.targetVersion, detectionId: body.detectionId, idempotencyKey: key ?? undefined, origin: "manual" },
  );
  return json({ id: result.id, status: result.status }, result.replayed ? 200 : 201);
});

export const GET = apiRoute<undefined, Params>({ role: "VIEWER" }, async ({ params, url }) => {
  const query = parseQuery(url, listRollbacksQuery.omit({ deployment: true }));
  return { rollbacks: await listRollbacks({ ...query, deployment: params.deployment }) };
});
