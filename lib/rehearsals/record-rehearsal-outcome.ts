import "server-only";
import type { MutationScope } from "@/lib/mutation";

type StepRow = { name: string; status: string; params: unknown; startedAt: Date | null; finishedAt: Date | null; detail: unknown };

const legOf = (step: StepRow) => ((step.params as { leg?: string } | null)?.leg === "forward" ? "forward" : "back");

function legDurationMs(steps: StepRow[]): number | null {
  const starts = steps.map((s) => s.startedAt?.getTime()).filter((t): t is number => t !== undefined);
  const ends = steps.map((s) => s.finishedAt?.getTime()).filter((t): t is number => t !== undefined);
  return starts.length && ends.length ? Math.max(...ends) - Math.min(...starts) : null;
}

/**
 * Records what a finished rehearsal proved, read from its operation's persisted steps: the
 * prior version was reachable, traffic moved, consumers acknowledged, and how long each leg took.
 */
export async function recordRehearsalOutcome(scope: MutationScope, operationId: string) {
  const { tx } = scope;
  const rehearsal = await tx.rehearsal.findUnique({ where: { operationId } });
  if (!rehearsal) return null;
  const operation = await tx.rollbackOperation.findUniqueOrThrow({
    where: { id: operationId },
    include: { steps: { orderBy: { position: "asc" } } },
  });
  const steps: StepRow[] = operation.steps;
  const done = (s: StepRow) => s.status === "SUCCEEDED" || s.status === "SKIPPED";
  const named = (name: string) => steps.filter((s) => s.name === name);
  const passed = operation.status === "COMPLETED";
  const outcome = {
    status: passed ? ("PASSED" as const) : ("FAILED" as const),
    priorReachable: named("preflight").filter((s) => legOf(s) === "back").every(done),
    trafficShifted: named("shift_traffic").length > 0 && named("shift_traffic").every(done),
    consumersAcknowledged: named("invalidate_consumers").length > 0 && named("invalidate_consumers").every(done),
    backLegMs: legDurationMs(steps.filter((s) => legOf(s) === "back")),
    forwardLegMs: legDurationMs(steps.filter((s) => legOf(s) === "forward")),
    failureReason: passed ? null : (operation.failureReason ?? `the rehearsal ended ${operation.status}`),
    finishedAt: new Date(),
  };
  const updated = await tx.rehearsal.update({ where: { id: rehearsal.id }, data: outcome });
  await scope.audit({
    action: passed ? "rehearsal.passed" : "rehearsal.failed",
    targetType: "rehearsal",
    targetId: rehearsal.id,
    after: { status: outcome.status, failureReason: outcome.failureReason },
  });
  return updated;
}
