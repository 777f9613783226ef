import { cancelRollback } from "@/lib/rollbacks/decide-rollback";
import { rollbackDecisionRoute } from "@/lib/rollbacks/decision-route";

export const POST = rollbackDecisionRoute("OPERATOR", cancelRollback);
