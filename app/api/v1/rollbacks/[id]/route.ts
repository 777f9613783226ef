import { apiRoute } from "@/lib/api/route";
import { sharedRead } from "@/lib/http/shared-read";
import { getRollback } from "@/lib/rollbacks/rollback-views";

/** `GET …/rollbacks/{id}`: the operation and its steps; everyone watching it at once shares one read. */
export const GET = apiRoute<undefined, { id: string }>({ role: "VIEWER" }, async ({ params, request }) => sharedRead(request, JSON.stringify(["rollback", params.id]), () => getRollback(params.id)));
