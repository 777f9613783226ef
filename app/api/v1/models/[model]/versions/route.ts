import { apiRoute, json, parseQuery } from "@/lib/api/route";
import { listModelVersions } from "@/lib/registry/list-model-versions";
import { registerModelVersion } from "@/lib/registry/register-model-version";
import { modelPathParams, parsePathParams, registerModelVersionInput, versionListQuery } from "@/lib/registry/schemas";

export const POST = apiRoute({ role: "OPERATOR", body: registerModelVersionInput }, async ({ actor, body, params, requestId }) => {
  const { model } = parsePathParams(modelPathParams, params);
  const { outcome, version } = await registerModelVersion({ actor, requestId }, model, body);
  return json(version, outcome === "created" ? 201 : 200);
});

export const GET = apiRoute({ role: "VIEWER" }, async ({ params, url }) => {
  const { model } = parsePathParams(modelPathParams, params);
  return listModelVersions(model, parseQuery(url, versionListQuery));
});
