import { apiRoute, parseQuery } from "@/lib/api/route";
import { listRollbacks } from "@/lib/rollbacks/rollback-views";
import { listRollbacksQuery } from "@/lib/rollbacks/schemas";

/** `?deployment=&status=&kind=&limit=`, newest first. */
export const GET = apiRoute({ role: "VIEWER" }, async ({ url }) => ({ rollbacks: await listRollbacks(parseQuery(url, listRollbacksQuery)) }));
