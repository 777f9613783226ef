import { describe, expect, it } from "vitest";
import { GET as getPostmortemRoute } from "@/app/api/v1/postmortems/[id]/route";
import { GET as listPostmortemsRoute } from "@/app/api/v1/postmortems/route";
import { GET as getRollbackRoute } from "@/app/api/v1/rollbacks/[id]/route";
import { loadAnalytics } from "@/lib/analytics/load-analytics";
import { newRequestId } from "@/lib/mutation";
import { correctTimestamp } from "@/lib/postmortems/edit-postmortem";
import { makeCompletedIncident, makeDeployment, makeToken, makeUser } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";

const MIN = 60_000;

/**
 * The demo's v12 incident: rolled back by hand (no detection), approved six minutes after the
 * request and completed eight minutes later; the postmortem records that support saw it 25
 * minutes before anyone asked for the rollback.
 */
async function handReportedIncident() {
  const { deployment, versions } = await makeDeployment({ versions: ["v11", "v12"], live: "v11", prior: null, rolledBack: ["v12"] });
  const [v11, v12] = versions;
  const operator = await makeUser("OPERATOR");
  const requestedAt = new Date(Date.now() - 2 * 60 * MIN);
  const { operation, postmortemId } = await makeCompletedIncident({ deploymentId: deployment.id, from: v12!.id, to: v11!.id, requester: operator, requestedAt, decideMs: 6 * MIN, executeMs: 8 * MIN });
  const ctx = { actor: operator.actor, requestId: newRequestId() };
  await correctTimestamp(ctx, postmortemId, { field: "detectedAt", value: new Date(requestedAt.getTime() - 25 * MIN), reason: "support reported timeouts 25 minutes before the request" });
  return { deployment, operation, postmortemId };
}

describe("one time to roll back per incident", () => {
  it("gives the hand-reported incident the same TTR on the rollback, the postmortem, its list and analytics", async () => {
    const { deployment, operation, postmortemId } = await handReportedIncident();
    const { token } = await makeToken("VIEWER");

    const rollback = await (await getRollbackRoute(apiRequest(`/api/v1/rollbacks/${operation.id}`, { token }), params({ id: operation.id }))).json();
    expect(rollback).toMatchObject({ timeToRollbackMs: 39 * MIN, timeToDecideMs: 6 * MIN, timeToExecuteMs: 8 * MIN, postmortemId, postmortemStatus: "DRAFT" });

    const postmortem = await (await getPostmortemRoute(apiRequest(`/api/v1/postmortems/${postmortemId}`, { token }), params({ id: postmortemId }))).json();
    expect(postmortem.durations.timeToRollbackMs).toBe(39 * MIN);
    const list = await (await listPostmortemsRoute(apiRequest(`/api/v1/postmortems?deployment=${deployment.slug}`, { token }), params({}))).json();
    expect(list.postmortems[0].durations.timeToRollbackMs).toBe(39 * MIN);

    const analytics = await loadAnalytics({ deployment: deployment.slug, period: "week", days: 30 });
    expect(analytics.rows.incidents).toEqual([expect.objectContaining({ rollbackId: operation.id, timeToRollbackMs: 39 * MIN })]);
    expect(analytics.totals.ttr).toMatchObject({ count: 1, medianMs: 39 * MIN });
  });
});
