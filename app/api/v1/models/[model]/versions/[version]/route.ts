import { apiRoute } from "@/lib/api/route";
import { getModelVersionDetail } from "@/lib/registry/get-model-version-detail";
import { purgeModelVersion } from "@/lib/registry/purge-model-version";
import { parsePathParams, versionPathParams } from "@/lib/registry/schemas";

export const GET = apiRoute({ role: "VIEWER" }, async ({ params }) => {
  const { model, version } = parsePathParams(versionPathParams, params);
  return (await getModelVersionDetail(model, version)).version;
});

export const DELETE = apiRoute({ role: "ADMIN" }, async ({ actor, params, requestId }) => {
  const { model, version } = parsePathParams(versionPathParams, params);
  return purgeModelVersion({ actor, requestId }, model, version);
});
