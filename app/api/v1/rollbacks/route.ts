import { apiRoute, parseQuery } from "@/lib/api/route";
import { sharedRead } from "@/lib/http/shared-read";
import { listRollbacks } from "@/lib/rollbacks/rollback-views";
import { listRollbacksQuery } from "@/lib/rollbacks/schemas";

/** `?deployment=&status=&kind=&limit=`, newest first; the same list asked at once (every open page's approvals badge) is read once. */
export const GET = apiRoute({ role: "VIEWER" }, async ({ url, request }) => {
  const query = parseQuery(url, listRollbacksQuery);
  return sharedRead(request, JSON.stringify(["rollbacks", query]), async () => ({ rollbacks: await listRollbacks(query) }));
});
