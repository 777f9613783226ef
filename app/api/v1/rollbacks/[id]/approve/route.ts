import { approveRollback } from "@/lib/rollbacks/decide-rollback";
import { rollbackDecisionRoute } from "@/lib/rollbacks/decision-route";
import { approveRollbackBody } from "@/lib/rollbacks/schemas";

export const POST = rollbackDecisionRoute("APPROVER", (ctx, id, note, body) => approveRollback(ctx, id, note, { mode: body?.mode }), approveRollbackBody);
