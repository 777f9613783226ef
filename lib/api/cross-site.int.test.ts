// Issue 9 item 4: a page on another site must not drive /api/v1 changes with a user's session cookie.
import { afterAll, describe, expect, it } from "vitest";
import { POST as registerVersion } from "@/app/api/v1/models/[model]/versions/route";
import { POST as approveRoute } from "@/app/api/v1/rollbacks/[id]/approve/route";
import { POST as requestRollback } from "@/app/api/v1/deployments/[deployment]/rollbacks/route";
import { db } from "@/lib/db";
import { stopBoss } from "@/lib/jobs/boss";
import { makeDeployment, makeToken, makeUser, unique } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";
import { sessionCookie } from "@/lib/testing/session";

afterAll(() => stopBoss());

const version = { version: "v1", artifactUri: "s3://m/v1", artifactDigest: `sha256:${"a".repeat(64)}` };
const versionsOf = (model: string) => db().modelVersion.count({ where: { model: { slug: model } } });

/** What a form on http://evil.example posts when the victim is signed in to Reversegate. */
const crossSiteForm = (cookie: string, body: string) => ({
  session: cookie,
  rawBody: body,
  headers: { origin: "http://evil.example", "sec-fetch-site": "cross-site", "content-type": "text/plain" },
});

describe("cookie-authenticated changes from another site", () => {
  it("refuses a text/plain form POST from another origin that would register a version", async () => {
    const { user } = await makeUser("OPERATOR");
    const model = unique("m");
    const response = await registerVersion(
      apiRequest(`/api/v1/models/${model}/versions`, crossSiteForm(await sessionCookie(user.id), JSON.stringify(version))),
      params({ model }),
    );
    expect(response.status).toBe(403);
    expect((await response.json()).message).toMatch(/cross-site request refused/);
    expect(await versionsOf(model)).toBe(0);
  });

  it("refuses an empty form POST from another origin that would approve a rollback", async () => {
    const operator = await makeToken("OPERATOR");
    const { user: approver } = await makeUser("APPROVER");
    const { deployment } = await makeDeployment();
    const requested = await requestRollback(
      apiRequest(`/api/v1/deployments/${deployment.slug}/rollbacks`, { token: operator.token, body: { mode: "instant", reason: "bad canary" } }),
      params({ deployment: deployment.slug }),
    );
    const { id } = await requested.json();
    const response = await approveRoute(
      apiRequest(`/api/v1/rollbacks/${id}/approve`, {
        session: await sessionCookie(approver.id),
        method: "POST",
        rawBody: "",
        headers: { origin: "http://evil.example", "content-type": "application/x-www-form-urlencoded" },
      }),
      params({ id }),
    );
    expect(response.status).toBe(403);
    expect((await db().rollbackOperation.findUniqueOrThrow({ where: { id } })).status).toBe("AWAITING_APPROVAL");
  });

  it("refuses a same-site sibling, a missing Origin, and a body that is not JSON", async () => {
    const { user } = await makeUser("OPERATOR");
    const cookie = await sessionCookie(user.id);
    const model = unique("m");
    const post = (headers: Record<string, string>) =>
      registerVersion(apiRequest(`/api/v1/models/${model}/versions`, { session: cookie, body: version, headers }), params({ model }));
    expect((await post({ origin: "http://intranet.localhost", "sec-fetch-site": "same-site" })).status).toBe(403);
    expect((await post({ origin: "" })).status).toBe(403);
    const form = await post({ "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
    expect((await form.json()).message).toContain("application/json");
    expect(await versionsOf(model)).toBe(0);
  });

  it("accepts the app's own page: same Origin, JSON", async () => {
    const { user } = await makeUser("OPERATOR");
    const model = unique("m");
    const response = await registerVersion(apiRequest(`/api/v1/models/${model}/versions`, { session: await sessionCookie(user.id), body: version }), params({ model }));
    expect(response.status).toBe(201);
  });

  it("leaves bearer-token calls alone, whatever their Origin or content type", async () => {
    const { token } = await makeToken("OPERATOR");
    const model = unique("m");
    const response = await registerVersion(
      apiRequest(`/api/v1/models/${model}/versions`, { token, rawBody: JSON.stringify(version), headers: { origin: "http://ci.example", "content-type": "text/plain" } }),
      params({ model }),
    );
    expect(response.status).toBe(201);
  });
});
