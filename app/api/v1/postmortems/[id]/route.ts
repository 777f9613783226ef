import { apiRoute } from "@/lib/api/route";
import { getPostmortem, postmortemToJson } from "@/lib/postmortems/get-postmortem";

export const GET = apiRoute<undefined, { id: string }>({ role: "VIEWER" }, async ({ params }) => postmortemToJson(await getPostmortem(params.id)));
