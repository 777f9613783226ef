"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { guardedAction } from "@/lib/actions/guarded-action";
import { deploymentSlug } from "@/lib/registry/version-ref";
import { rollbackPolicySchema } from "./policy";
import { POLICY_WRITE_ROLE, putPolicy } from "./policy-store";
import { testPolicy } from "./test-policy";

const policyOfDeployment = z.object({ deployment: deploymentSlug, policy: rollbackPolicySchema });

const save = guardedAction({ role: POLICY_WRITE_ROLE, input: policyOfDeployment }, async ({ deployment, policy }, ctx) => {
  const { view } = await putPolicy(ctx, deployment, policy);
  revalidatePath(`/deployments/${deployment}`);
  return view;
});
export async function savePolicyAction(input: unknown) {
  return save(input);
}

// A read that reaches out to the metric source: guarded like a change (signed in, role, valid
// input), recorded nowhere, because it changes nothing.
const test = guardedAction({ role: "OPERATOR", input: policyOfDeployment }, ({ deployment, policy }, ctx) => testPolicy(ctx.actor, deployment, policy));
export async function testPolicyAction(input: unknown) {
  return test(input);
}
