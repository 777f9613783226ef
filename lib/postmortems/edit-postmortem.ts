import "server-only";
import type { Prisma } from "@prisma/client";
import { AppError } from "@/lib/errors";
import { runMutation, type MutationContext } from "@/lib/mutation";
import { validateTimelineOrder, type TimelineWarning } from "./durations";
import { timestampsOf } from "./get-postmortem";
import { addAuthor, lockPostmortem, parseInput, requireEditable } from "./mutation-helpers";
import { correctTimestampInput, postmortemFieldsInput, type CorrectTimestampInput, type PostmortemFieldsInput } from "./schemas";

const POSTMORTEM_FIELDS = [
  "title",
  "severity",
  "summary",
  "whatHappened",
  "impact",
  "impactTrafficShare",
  "requestsAffected",
  "trigger",
  "contributingFactors",
  "detectionSignal",
  "missedCheckSuite",
  "missedCheckReason",
  "missedCheckDetail",
  "lessons",
] as const;

/**
 * Saves the reviewer's fields (only those given), and the gate addition's description while it
 * is still only proposed. The editor becomes an author. Refused once the postmortem is approved.
 */
export async function updatePostmortem(ctx: MutationContext, id: string, raw: PostmortemFieldsInput) {
  const input = parseInput(postmortemFieldsInput, raw);
  return runMutation(ctx, "OPERATOR", async (scope) => {
    const pm = await lockPostmortem(scope.tx, id);
    requireEditable(pm);
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const data: Prisma.PostmortemUpdateInput = {};
    for (const field of POSTMORTEM_FIELDS) {
      const value = input[field];
      if (value === undefined || value === pm[field]) continue;
      before[field] = pm[field];
      after[field] = value;
      Object.assign(data, { [field]: value });
    }
    if (Object.keys(data).length > 0) await scope.tx.postmortem.update({ where: { id }, data });

    const description = input.gateAdditionDescription;
    const suite = input.gateAdditionSuite;
    const gate = pm.gateAddition;
    if (description !== undefined || suite !== undefined) {
      if (!gate) {
        if (description) {
          await scope.tx.gateAddition.create({ data: { postmortemId: id, description, suite: suite ?? "" } });
          after.gateAddition = { description, suite: suite ?? "", status: "PROPOSED" };
        } else if (suite) {
          throw new AppError("VALIDATION", "gateAdditionDescription: describe the gate addition before naming its suite", {
            issues: [{ path: "gateAdditionDescription", message: "required with gateAdditionSuite" }],
          });
        }
      } else {
        const nextDescription = description ?? gate.description;
        const nextSuite = suite ?? gate.suite;
        if (nextDescription !== gate.description || nextSuite !== gate.suite) {
          if (gate.status !== "PROPOSED") {
            throw new AppError("CONFLICT", `the gate addition is ${gate.status}; its description and suite are final`, { reason: "gate_addition_final" });
          }
          if (nextDescription === "") {
            throw new AppError("VALIDATION", "gateAdditionDescription: a proposed gate addition cannot be emptied", {
              issues: [{ path: "gateAdditionDescription", message: "cannot be emptied" }],
            });
          }
          await scope.tx.gateAddition.update({ where: { id: gate.id }, data: { description: nextDescription, suite: nextSuite } });
          before.gateAddition = { description: gate.description, suite: gate.suite };
          after.gateAddition = { description: nextDescription, suite: nextSuite };
        }
      }
    }
    if (Object.keys(after).length === 0) return { changed: [] as string[] };
    await addAuthor(scope, id);
    await scope.audit({ action: "postmortem.updated", targetType: "postmortem", targetId: id, before, after });
    return { changed: Object.keys(after) };
  });
}

/**
 * Corrects one typed timestamp after the fact, kept as a TimestampCorrection with who and why.
 * A value that puts that timestamp out of order is refused until the caller acknowledges the
 * warning, and the warnings are returned either way, so disorder is never accepted silently.
 */
export async function correctTimestamp(ctx: MutationContext, id: string, raw: CorrectTimestampInput): Promise<{ warnings: TimelineWarning[] }> {
  const input = parseInput(correctTimestampInput, raw);
  return runMutation(ctx, "OPERATOR", async (scope) => {
    const pm = await lockPostmortem(scope.tx, id);
    requireEditable(pm);
    const previous = pm[input.field];
    const timestamps = { ...timestampsOf(pm), [input.field]: input.value };
    const warnings = validateTimelineOrder(timestamps);
    const involving = warnings.filter((w) => (w.kind === "invalid" ? w.field === input.field : w.earlier === input.field || w.later === input.field));
    if (involving.length > 0 && !input.acknowledgeWarnings) {
      throw new AppError("VALIDATION", `value: ${involving.map((w) => w.message).join("; ")}. Check the time, or confirm to save it anyway.`, {
        reason: "timeline_out_of_order",
        issues: [{ path: "value", message: involving.map((w) => w.message).join("; ") }],
        warnings: involving.map((w) => w.message),
      });
    }
    await scope.tx.timestampCorrection.create({
      data: { postmortemId: id, field: input.field, previous, value: input.value, actorId: scope.actor.userId ?? scope.actor.label, reason: input.reason },
    });
    await scope.tx.postmortem.update({ where: { id }, data: { [input.field]: input.value } });
    await addAuthor(scope, id);
    await scope.audit({
      action: "postmortem.timestamp_corrected",
      targetType: "postmortem",
      targetId: id,
      before: { [input.field]: previous },
      after: { [input.field]: input.value, reason: input.reason, warnings: warnings.map((w) => w.message) },
    });
    return { warnings };
  });
}
