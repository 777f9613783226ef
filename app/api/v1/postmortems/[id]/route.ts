import { apiRoute } from "@/lib/api/route";
import { updatePostmortem } from "@/lib/postmortems/edit-postmortem";
import { getPostmortem, postmortemToJson } from "@/lib/postmortems/get-postmortem";
import { postmortemFieldsInput, type PostmortemFieldsInput } from "@/lib/postmortems/schemas";

export const GET = apiRoute<undefined, { id: string }>({ role: "VIEWER" }, async ({ params }) => postmortemToJson(await getPostmortem(params.id)));

/** The review form's fields over the API, under the form's own rules (lib/postmortems/edit-postmortem.ts). */
export const PATCH = apiRoute<PostmortemFieldsInput, { id: string }>({ role: "OPERATOR", body: postmortemFieldsInput }, async ({ actor, requestId, params, body }) => {
  const { changed } = await updatePostmortem({ actor, requestId }, params.id, body);
  return { changed, postmortem: postmortemToJson(await getPostmortem(params.id)) };
});
