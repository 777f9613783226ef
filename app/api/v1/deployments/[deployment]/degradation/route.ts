import { apiRoute, json } from "@/lib/api/route";
import { getDegradation, getRecordedDegradation } from "@/lib/degradation/get-degradation";
import { setDegradationBody, type SetDegradationBody } from "@/lib/degradation/schemas";
import { DEGRADATION_WRITE_ROLE, setDegradation } from "@/lib/degradation/set-degradation";
import { deploymentPathParams } from "@/lib/deployments/schemas";
import { AppError } from "@/lib/errors";
import { sharedRead } from "@/lib/http/shared-read";
import { parsePathParams } from "@/lib/registry/schemas";

type Params = { deployment: string };

/**
 * `GET …/degradation`: the level, who set it and why, what the backend offers and reports, the
 * history. Readers asking at once share one read, and so one question to the serving plane.
 */
export const GET = apiRoute<undefined, Params>({ role: "VIEWER" }, async ({ params, request }) => {
  const { deployment } = parsePathParams(deploymentPathParams, params);
  return sharedRead(request, JSON.stringify(["degradation", deployment]), () => getDegradation(deployment));
});

/** `PUT …/degradation`: serve at a level now; an Idempotency-Key replays the first outcome. */
export const PUT = apiRoute<SetDegradationBody, Params>({ role: DEGRADATION_WRITE_ROLE, body: setDegradationBody, idempotent: true }, async ({ actor, requestId, params, body, request }) => {
  const { deployment } = parsePathParams(deploymentPathParams, params);
  const key = request.headers.get("idempotency-key");
  if (key !== null && (key.trim() === "" || key.length > 200)) throw new AppError("VALIDATION", "Idempotency-Key: 1–200 characters when given");
  const { change } = await setDegradation({ actor, requestId }, { deploymentSlug: deployment, level: body.level, reason: body.reason, origin: "manual", idempotencyKey: key ?? undefined });
  return json({ change, degradation: await getRecordedDegradation(deployment) });
});
