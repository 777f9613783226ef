import { apiRoute } from "@/lib/api/route";
import { getRehearsal } from "@/lib/rehearsals/manage-rehearsals";

export const GET = apiRoute<undefined, { id: string }>({ role: "VIEWER" }, async ({ params }) => getRehearsal(params.id));
