"use server";

import { revalidatePath } from "next/cache";
import { guardedAction } from "@/lib/actions/guarded-action";
import { deploymentSlug } from "@/lib/registry/version-ref";
import { rollbackPlanSchema } from "./rollback-plan";
import { putRollbackPlan, ROLLBACK_PLAN_WRITE_ROLE } from "./rollback-plan-store";

const savePlan = guardedAction(
  { role: ROLLBACK_PLAN_WRITE_ROLE, input: rollbackPlanSchema.safeExtend({ deployment: deploymentSlug }) },
  async ({ deployment, ...plan }, ctx) => {
    const { view } = await putRollbackPlan(ctx, deployment, plan);
    revalidatePath(`/deployments/${deployment}`);
    return view;
  },
);
export async function saveRollbackPlanAction(input: unknown) {
  return savePlan(input);
}
