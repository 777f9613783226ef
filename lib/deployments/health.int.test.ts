import { describe, expect, it } from "vitest";
import { GET as getDeployment } from "@/app/api/v1/deployments/[deployment]/route";
import { GET as listDeployments } from "@/app/api/v1/deployments/route";
import { evaluatePolicy } from "@/lib/metrics/evaluate-policy";
import { storeResolvedPoints } from "@/lib/metrics/sources/push/store";
import { recordEvaluationError } from "@/lib/metrics/policy-store";
import { makeMetricsDeployment } from "@/lib/metrics/test-deployment";
import { makePolicy, makeToken } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";

/** 10-second points of a healthy canary (0.95 against the 0.9 floor) over [from, to]. */
async function healthyPoints(deploymentId: number, versionId: number, from: number, to: number) {
  const times: number[] = [];
  for (let t = from; t <= to; t += 10_000) times.push(t);
  await storeResolvedPoints({
    deploymentIds: times.map(() => deploymentId),
    metrics: times.map(() => "canary_accuracy"),
    versionIds: times.map(() => versionId),
    times,
    values: times.map(() => 0.95),
    counts: times.map(() => 20),
  });
}

describe("a silent canary in the deployment's health", () => {
  it("reads 'canary not reporting' with since when, in the deployment, the list and after every later evaluation", async () => {
    const { slug, deployment, v2 } = await makeMetricsDeployment();
    const policy = await makePolicy(deployment.id, { windowSeconds: 600, minSamples: 5 });
    const { token } = await makeToken("VIEWER");
    const health = async () => (await (await getDeployment(apiRequest(`/api/v1/deployments/${slug}`, { token }), params({ deployment: slug }))).json()).health;

    const start = Date.now() - 20 * 60_000;
    await healthyPoints(deployment.id, v2.id, start, start + 15 * 60_000);
    expect(await evaluatePolicy(policy.id, { now: start + 15 * 60_000 })).toMatchObject({ verdict: "healthy" });
    expect(await health()).toMatchObject({ label: "healthy", since: null });

    // The points stop; 150 s later the evaluator has nothing to judge.
    const silentAt = start + 15 * 60_000 + 150_000;
    expect(await evaluatePolicy(policy.id, { now: silentAt })).toMatchObject({ verdict: "no_data" });
    const silent = await health();
    expect(silent).toMatchObject({ tone: "bad", label: "canary not reporting", since: new Date(silentAt).toISOString() });
    expect(silent.reason).toContain("no verdict on canary_accuracy for v2");

    await evaluatePolicy(policy.id, { now: silentAt + 60_000 });
    expect((await health()).since).toBe(new Date(silentAt).toISOString());
    const list = await (await listDeployments(apiRequest(`/api/v1/deployments?q=${slug}`, { token }), params({}))).json();
    expect(list.deployments[0].health).toMatchObject({ label: "canary not reporting", since: new Date(silentAt).toISOString() });

    // The canary reports again: healthy, and the silence is forgotten.
    await healthyPoints(deployment.id, v2.id, start + 15 * 60_000 + 10_000, silentAt + 180_000);
    await evaluatePolicy(policy.id, { now: silentAt + 180_000 });
    expect(await health()).toMatchObject({ label: "healthy", since: null });
  });

  it("reads an evaluation error as not reporting, naming the error", async () => {
    const { slug, deployment } = await makeMetricsDeployment();
    const policy = await makePolicy(deployment.id);
    const { token } = await makeToken("VIEWER");
    const failedAt = new Date(Date.now() - 30_000);
    await recordEvaluationError(policy.id, "the metric source answered 503", failedAt);
    const body = await (await getDeployment(apiRequest(`/api/v1/deployments/${slug}`, { token }), params({ deployment: slug }))).json();
    expect(body.health).toEqual({
      tone: "bad",
      label: "canary not reporting",
      reason: "evaluating canary_accuracy for v2 failed: the metric source answered 503",
      since: failedAt.toISOString(),
    });
  });
});
