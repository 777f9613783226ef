import { describe, expect, it } from "vitest";
import type { MutationScope } from "@/lib/mutation";
import { createRollbackOutcomes, RollbackOutcomeSubscriberError, type RollbackOutcomeEvent } from "./outcomes";

const scope = {} as MutationScope;
const event = (outcome: "completed" | "failed"): RollbackOutcomeEvent => ({ outcome, operationId: "op-1", kind: "INCIDENT", deploymentId: 7, deployment: "support-router" });

describe("rollback outcome subscriptions", () => {
  it("runs the subscribers of an outcome in the order they subscribed, and only those", async () => {
    const outcomes = createRollbackOutcomes();
    const ran: string[] = [];
    outcomes.subscribe(["completed"], "first", async () => ran.push("first"));
    outcomes.subscribe(["completed", "failed"], "second", async (_scope, e) => ran.push(`second:${e.outcome}`));
    await outcomes.publish(scope, event("completed"));
    await outcomes.publish(scope, event("failed"));
    expect(ran).toEqual(["first", "second:completed", "second:failed"]);
    expect(outcomes.subscribers("failed")).toEqual(["second"]);
  });

  it("stops at the first failing subscriber and names it", async () => {
    const outcomes = createRollbackOutcomes();
    const ran: string[] = [];
    outcomes.subscribe(["completed"], "postmortems", async () => {
      throw new Error("disk full");
    });
    outcomes.subscribe(["completed"], "later", async () => ran.push("later"));
    const failure = await outcomes.publish(scope, event("completed")).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RollbackOutcomeSubscriberError);
    expect((failure as Error).message).toBe("postmortems, reacting to rollback op-1 completed, failed: disk full");
    expect(ran).toEqual([]);
  });

  it("forgets a subscriber once it unsubscribes", async () => {
    const outcomes = createRollbackOutcomes();
    const ran: string[] = [];
    const off = outcomes.subscribe(["completed", "failed"], "temporary", async () => ran.push("temporary"));
    off();
    await outcomes.publish(scope, event("completed"));
    expect(ran).toEqual([]);
    expect(outcomes.subscribers("completed")).toEqual([]);
  });
});
