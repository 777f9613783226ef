"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { guardedAction } from "@/lib/actions/guarded-action";
import { rehearsalScheduleInput, updateRehearsalSchedule } from "./manage-rehearsals";
import { startRehearsal } from "./start-rehearsal";

const deploymentSlug = z.string().trim().min(1, "deployment is required");

const rehearse = guardedAction({ role: "OPERATOR", input: z.object({ deploymentSlug }) }, async ({ deploymentSlug: slug }, ctx) => {
  const result = await startRehearsal(ctx, { deploymentSlug: slug, trigger: "MANUAL" });
  revalidatePath("/rehearsals");
  return result;
});
export async function rehearseNowAction(input: unknown) {
  return rehearse(input);
}

const schedule = guardedAction({ role: "APPROVER", input: rehearsalScheduleInput.extend({ deploymentSlug }) }, async ({ deploymentSlug: slug, ...rest }, ctx) => {
  const result = await updateRehearsalSchedule(ctx, slug, rest);
  revalidatePath("/rehearsals");
  return result;
});
export async function updateRehearsalScheduleAction(input: unknown) {
  return schedule(input);
}
