import "server-only";
import { openPostmortemDraft } from "@/lib/postmortems/open-postmortem-draft";
import { recordReadinessIndicators } from "@/lib/rehearsals/record-readiness-indicators";
import { recordRehearsalOutcome } from "@/lib/rehearsals/record-rehearsal-outcome";
import { createRollbackOutcomes } from "@/lib/rollbacks/outcomes";

/**
 * The one place rollback outcomes are wired to what reacts to them. Every rollback worker is
 * started with this (lib/jobs/worker.ts; tests and benchmarks pass it too).
 */
export const rollbackOutcomes = createRollbackOutcomes();

// A completed incident rollback opens its postmortem draft.
rollbackOutcomes.subscribe(["completed"], "postmortems: open the draft", async (scope, event) => {
  if (event.kind === "INCIDENT") await openPostmortemDraft(scope, event.operationId);
});

// A rehearsal records what it proved, whether it passed or failed.
rollbackOutcomes.subscribe(["completed", "failed"], "rehearsals: record the outcome", async (scope, event) => {
  if (event.kind === "REHEARSAL") await recordRehearsalOutcome(scope, event.operationId);
});

// Every operation's measured readiness indicators: consumer acknowledgement latency, and for a
// rehearsal manifest reachability and agent-memory divergence.
rollbackOutcomes.subscribe(["completed", "failed"], "readiness: record the indicators", recordReadinessIndicators);
