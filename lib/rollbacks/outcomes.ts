import "server-only";
import type { MutationScope } from "@/lib/mutation";
import type { RollbackKind } from "./status";

// How the rest of Reversegate reacts to a rollback's end without the executor knowing who
// listens: the executor publishes each outcome inside the transaction that records it, and every
// subscriber runs in that same transaction, so what they write (a postmortem draft, a
// rehearsal's result) commits with the operation's status or not at all. Subscribers are wired
// in one place, lib/jobs/rollback-outcomes.ts. Webhooks are announced after commit instead.

export type RollbackOutcome = "completed" | "failed";

export interface RollbackOutcomeEvent {
  outcome: RollbackOutcome;
  operationId: string;
  kind: RollbackKind;
  deploymentId: number;
  /** The deployment's slug. */
  deployment: string;
}

/** Runs inside the transaction that records the outcome; throwing rolls that transaction back. */
export type RollbackOutcomeSubscriber = (scope: MutationScope, event: RollbackOutcomeEvent) => Promise<unknown>;

export interface RollbackOutcomes {
  /** Adds `subscriber` for each of `outcomes`, after those already there; answers how to remove it. */
  subscribe(outcomes: readonly RollbackOutcome[], name: string, subscriber: RollbackOutcomeSubscriber): () => void;
  /** Runs the subscribers of `event.outcome` in order, in `scope`'s transaction; the first failure stops and propagates. */
  publish(scope: MutationScope, event: RollbackOutcomeEvent): Promise<void>;
  /** The subscribers' names for one outcome, in the order they run. */
  subscribers(outcome: RollbackOutcome): string[];
}

export class RollbackOutcomeSubscriberError extends Error {
  constructor(
    readonly subscriber: string,
    readonly event: RollbackOutcomeEvent,
    cause: unknown,
  ) {
    super(`${subscriber}, reacting to rollback ${event.operationId} ${event.outcome}, failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "RollbackOutcomeSubscriberError";
  }
}

export function createRollbackOutcomes(): RollbackOutcomes {
  const lists: Record<RollbackOutcome, { name: string; run: RollbackOutcomeSubscriber }[]> = { completed: [], failed: [] };
  return {
    subscribe(outcomes, name, run) {
      const entry = { name, run };
      for (const outcome of outcomes) lists[outcome].push(entry);
      return () => {
        for (const outcome of outcomes) lists[outcome] = lists[outcome].filter((e) => e !== entry);
      };
    },
    async publish(scope, event) {
      for (const { name, run } of [...lists[event.outcome]]) {
        try {
          await run(scope, event);
        } catch (error) {
          throw new RollbackOutcomeSubscriberError(name, event, error);
        }
      }
    },
    subscribers: (outcome) => lists[outcome].map((e) => e.name),
  };
}
