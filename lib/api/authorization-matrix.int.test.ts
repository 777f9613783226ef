// Issue 9's authorization matrix: every route handler (app/**/route.ts, each exported method) and
// every server action ("use server" modules' exports), found on disk, called by every kind of
// caller through the real handler with real credentials (a next-auth session cookie, a bearer
// token). A route or action without a rule below fails the test.
import type { Role } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hasRole } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { stopBoss } from "@/lib/jobs/boss";
import { makeToken, makeUser } from "@/lib/testing/factories";
import { apiRequest } from "@/lib/testing/http";
import { actionInventory, routeInventory, routeUrl, type RouteEntry } from "@/lib/testing/route-inventory";
import { sessionCookie } from "@/lib/testing/session";

// Pages and actions read the request through next/headers, which only exists inside Next: here
// it answers the headers of the request the test is making, so the real session code decides.
const current = vi.hoisted(() => ({ headers: new Headers() }));
vi.mock("next/headers", () => ({
  headers: async () => current.headers,
  cookies: async () => {
    const jar = new Map(
      (current.headers.get("cookie") ?? "").split(";").filter(Boolean).map((part) => {
        const at = part.indexOf("=");
        return [part.slice(0, at).trim(), { name: part.slice(0, at).trim(), value: part.slice(at + 1).trim() }] as const;
      }),
    );
    return { get: (name: string) => jar.get(name), getAll: () => [...jar.values()], has: (name: string) => jar.has(name), set: () => undefined };
  },
}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

type Access = Role | "PUBLIC";

// ---- The rules: the least role each route method and action needs. -------------------------
const ROUTE_RULES: Record<string, Access> = {
  "GET /api/health": "PUBLIC",
  "GET /api/v1/openapi.json": "PUBLIC",
  // next-auth's own endpoints (sign-in, session, CSRF token) are for anyone; see NOT_CALLED_HERE.
  "GET /api/auth/[...nextauth]": "PUBLIC",
  "POST /api/auth/[...nextauth]": "PUBLIC",
  // Anyone may end their own session; a caller without one just lands on the sign-in page.
  "POST /sign-out": "PUBLIC",
  "GET /api/v1/me": "VIEWER",
  "GET /api/v1/deployments": "VIEWER",
  "POST /api/v1/deployments": "ADMIN",
  "GET /api/v1/deployments/[deployment]": "VIEWER",
  "GET /api/v1/deployments/[deployment]/degradation": "VIEWER",
  "PUT /api/v1/deployments/[deployment]/degradation": "OPERATOR",
  "GET /api/v1/deployments/[deployment]/detections": "VIEWER",
  "GET /api/v1/deployments/[deployment]/policy": "VIEWER",
  "PUT /api/v1/deployments/[deployment]/policy": "APPROVER",
  "POST /api/v1/deployments/[deployment]/policy/test": "OPERATOR",
  "POST /api/v1/deployments/[deployment]/promotions": "OPERATOR",
  "GET /api/v1/deployments/[deployment]/rollback-plan": "VIEWER",
  "PUT /api/v1/deployments/[deployment]/rollback-plan": "APPROVER",
  "GET /api/v1/deployments/[deployment]/readiness": "VIEWER",
  "GET /api/v1/deployments/[deployment]/rehearsals": "VIEWER",
  "POST /api/v1/deployments/[deployment]/rehearsals": "OPERATOR",
  "GET /api/v1/deployments/[deployment]/rollbacks": "VIEWER",
  "POST /api/v1/deployments/[deployment]/rollbacks": "OPERATOR",
  "GET /api/v1/deployments/[deployment]/series": "VIEWER",
  "GET /api/v1/gate-additions": "VIEWER",
  "POST /api/v1/metrics": "OPERATOR",
  "GET /api/v1/models/[model]/versions": "VIEWER",
  "POST /api/v1/models/[model]/versions": "OPERATOR",
  "GET /api/v1/models/[model]/versions/[version]": "VIEWER",
  "DELETE /api/v1/models/[model]/versions/[version]": "ADMIN",
  "GET /api/v1/postmortems": "VIEWER",
  "GET /api/v1/postmortems/[id]": "VIEWER",
  "PATCH /api/v1/postmortems/[id]": "OPERATOR",
  "GET /api/v1/detections/[id]": "VIEWER",
  "GET /api/v1/rehearsals/[id]": "VIEWER",
  "GET /api/v1/rollbacks": "VIEWER",
  "GET /api/v1/rollbacks/[id]": "VIEWER",
  "POST /api/v1/rollbacks/[id]/approve": "APPROVER",
  "POST /api/v1/rollbacks/[id]/reject": "APPROVER",
  "POST /api/v1/rollbacks/[id]/cancel": "OPERATOR",
  "POST /api/v1/rollbacks/[id]/retry": "OPERATOR",
  "GET /analytics/export.csv": "VIEWER",
  "GET /postmortems/[id]/export.md": "VIEWER",
};

/** next-auth reads the request through require("next/headers"), which only a running Next serves: e2e/auth.setup.ts signs in through it. */
const NOT_CALLED_HERE = new Set(["GET /api/auth/[...nextauth]", "POST /api/auth/[...nextauth]"]);

const ACTION_RULES: Record<string, Role> = {
  "lib/deployments/actions.ts#saveRollbackPlanAction": "APPROVER",
  "lib/metrics/actions.ts#savePolicyAction": "APPROVER",
  "lib/metrics/actions.ts#testPolicyAction": "OPERATOR",
  "lib/postmortems/actions.ts#savePostmortemAction": "OPERATOR",
  "lib/postmortems/actions.ts#correctTimestampAction": "OPERATOR",
  "lib/postmortems/actions.ts#submitPostmortemAction": "OPERATOR",
  "lib/postmortems/actions.ts#approvePostmortemAction": "APPROVER",
  "lib/postmortems/actions.ts#requestChangesAction": "APPROVER",
  "lib/postmortems/actions.ts#advanceGateAdditionAction": "OPERATOR",
  "lib/postmortems/actions.ts#addActionItemAction": "OPERATOR",
  "lib/postmortems/actions.ts#transitionActionItemAction": "OPERATOR",
  "lib/rehearsals/actions.ts#rehearseNowAction": "OPERATOR",
  "lib/rehearsals/actions.ts#updateRehearsalScheduleAction": "APPROVER",
  "lib/users/actions.ts#createUserAction": "ADMIN",
  "lib/users/actions.ts#changeUserRoleAction": "ADMIN",
  "lib/users/actions.ts#setUserDisabledAction": "ADMIN",
  "lib/users/actions.ts#createTokenAction": "ADMIN",
  "lib/users/actions.ts#revokeTokenAction": "ADMIN",
  "lib/webhooks/actions.ts#createWebhookAction": "ADMIN",
  "lib/webhooks/actions.ts#setWebhookEnabledAction": "ADMIN",
  "lib/webhooks/actions.ts#deleteWebhookAction": "ADMIN",
};

// ---- The callers. ----------------------------------------------------------------------------
type Identity = { name: string; role: Role | null; token?: string; session?: string };
const ROLES: Role[] = ["VIEWER", "OPERATOR", "APPROVER", "ADMIN"];
let identities: Identity[] = [];

beforeAll(async () => {
  const sessions = await Promise.all(ROLES.map(async (role) => ({ name: `${role} by session`, role, session: await sessionCookie((await makeUser(role)).user.id) })));
  const tokens = await Promise.all(ROLES.map(async (role) => ({ name: `${role} by token`, role, token: (await makeToken(role)).token })));
  const disabled = await makeToken("ADMIN");
  await db().user.update({ where: { id: disabled.user.id }, data: { disabledAt: new Date() } });
  const demoted = await makeToken("ADMIN");
  await db().user.update({ where: { id: demoted.user.id }, data: { role: "VIEWER" } });
  identities = [
    { name: "anonymous", role: null },
    { name: "invalid token", role: null, token: "rgt_not-a-real-token" },
    ...sessions,
    ...tokens,
    { name: "disabled ADMIN by session", role: null, session: await sessionCookie(disabled.user.id) },
    { name: "disabled ADMIN's token", role: null, token: disabled.token },
    { name: "ADMIN token of a user demoted to VIEWER", role: "VIEWER", token: demoted.token },
  ];
});

afterAll(() => stopBoss());

const NOWHERE = "matrix-nonexistent";

function requestFor(entry: RouteEntry, who: Identity): { request: Request; params: Record<string, string | string[]> } {
  const { url, params } = routeUrl(entry.route, () => NOWHERE);
  // Changes carry an empty JSON object: enough to pass authentication and fail validation.
  const body = entry.method === "GET" ? undefined : {};
  return { request: apiRequest(url, { method: entry.method, token: who.token, session: who.session, body }), params };
}

/** 401, 403, or "allowed" (anything else but a 5xx). */
function expectedOutcome(access: Access, who: Identity, viaAction: boolean): "allowed" | 401 | 403 {
  if (access === "PUBLIC") return "allowed";
  // Server actions read the session cookie only; a bearer token means nothing to them.
  if (who.role === null || (viaAction && !who.session)) return 401;
  return hasRole(who.role, access) ? "allowed" : 403;
}

const outcomeOf = (status: number): "allowed" | 401 | 403 | "error" => (status === 401 || status === 403 ? status : status >= 500 ? "error" : "allowed");
const ACTION_STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, INTERNAL: 500 };

describe("authorization matrix", () => {
  it("has a rule for every route handler and server action, and no rule for one that is gone", async () => {
    const routes = (await routeInventory()).map((r) => r.key).sort();
    const actions = (await actionInventory()).map((a) => a.key).sort();
    expect(routes).toEqual(Object.keys(ROUTE_RULES).sort());
    expect(actions).toEqual(Object.keys(ACTION_RULES).sort());
  });

  it("answers every caller of every route and action as its rule says", async () => {
    const routes = (await routeInventory()).filter((r) => !NOT_CALLED_HERE.has(r.key));
    const actions = await actionInventory();
    const mismatches: string[] = [];
    let checks = 0;
    for (const entry of routes) {
      for (const who of identities) {
        const { request, params } = requestFor(entry, who);
        current.headers = request.headers;
        const response = await entry.handler(request, { params: Promise.resolve(params) });
        const expected = expectedOutcome(ROUTE_RULES[entry.key]!, who, false);
        const got = outcomeOf(response.status);
        checks++;
        if (got !== expected) mismatches.push(`${entry.key} as ${who.name}: expected ${expected}, got ${response.status} ${(await response.text()).slice(0, 160)}`);
      }
    }
    for (const entry of actions) {
      for (const who of identities) {
        // What Next hands an action: the browser's request with its cookie, from the app's page.
        current.headers = apiRequest("/", { method: "POST", session: who.session, token: who.token }).headers;
        const result = await entry.action({});
        const status = result.ok ? 200 : (ACTION_STATUS[result.error!.code] ?? 400);
        const expected = expectedOutcome(ACTION_RULES[entry.key]!, who, true);
        checks++;
        if (outcomeOf(status) !== expected) mismatches.push(`${entry.key} as ${who.name}: expected ${expected}, got ${result.error?.code ?? "ok"}`);
      }
    }
    console.log(`authorization matrix: ${routes.length} route methods + ${actions.length} server actions = ${routes.length + actions.length} × ${identities.length} identities = ${checks} checks`);
    expect(mismatches).toEqual([]);
  });
});
