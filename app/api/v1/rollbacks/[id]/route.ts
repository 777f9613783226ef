import { apiRoute } from "@/lib/api/route";
import { getRollback } from "@/lib/rollbacks/rollback-views";

export const GET = apiRoute<undefined, { id: string }>({ role: "VIEWER" }, async ({ params }) => getRollback(params.id));
