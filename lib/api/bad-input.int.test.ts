// Issue 9's bad-input suite: generated hostile bodies, query strings and path segments posted to
// every /api/v1 endpoint (found on disk) through the real handlers. Always a 4xx whose message
// names the problem (or a 2xx when the input happens to be acceptable), never a 5xx, and a
// refused request leaves no row behind. Seeded and a few hundred requests, so it stays fast.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as requestRollback } from "@/app/api/v1/deployments/[deployment]/rollbacks/route";
import { db } from "@/lib/db";
import { stopBoss } from "@/lib/jobs/boss";
import { makeDeployment, makeToken, makeUser } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";
import { routeInventory, routeUrl, type RouteEntry } from "@/lib/testing/route-inventory";
import { sessionCookie } from "@/lib/testing/session";

const SEED = 20261201;

// ---- What a hostile client sends. --------------------------------------------------------------
const hostileText = fc.oneof(
  fc.string().map((s) => `${s}\u0000${s}`),
  fc.constantFrom("\ud800", "x\udc00y", "\udbff\ud800"),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("NaN", "Infinity", "-Infinity", "1e999", "-0", "0x10", "٣"),
  fc.constantFrom("\u0007\u001b[31mred", "line\r\nbreak", "\u2028\u2029", "\ufeff", "\u202e"),
  fc.string({ minLength: 3000, maxLength: 9000 }),
);
const hugeNumber = fc.constantFrom(1e308, -1e308, 2 ** 53 + 2, 2 ** 31, -(2 ** 31) - 1, 1e20, 4.9e-324, Number.MAX_SAFE_INTEGER);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  hugeNumber,
  fc.double(),
  fc.constantFrom(null, true, false, [], {}, [null]),
  fc.array(hostileText, { maxLength: 3 }),
  fc.dictionary(hostileText, hostileText, { maxKeys: 3 }),
  fc.integer({ min: 40, max: 400 }).map((depth) => JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`) as unknown),
);

/** A plausible body for each endpoint, so one hostile field lands among valid ones. */
function template(key: string, slug: string, model: string): Record<string, unknown> {
  const templates: Record<string, Record<string, unknown>> = {
    "POST /api/v1/deployments": { slug: "fuzz-dep", model, serving: { kind: "http", baseUrl: "http://127.0.0.1:4010" }, consumers: ["a"] },
    "PUT /api/v1/deployments/[deployment]/policy": { metric: "canary_accuracy", direction: "HIGHER_IS_BETTER", floor: { mode: "explicit", value: 0.9 }, windowSeconds: 600, evaluationIntervalSeconds: 60, minSamples: 5, action: "notify" },
    "POST /api/v1/deployments/[deployment]/policy/test": {
      metric: "canary_accuracy",
      source: { kind: "prometheus", url: "http://127.0.0.1:9", query: 'up{version="{{version}}"}', timeoutSeconds: 1 },
      direction: "higher_is_better",
      floor: { mode: "explicit", value: 0.9 },
      windowSeconds: 600,
      evaluationIntervalSeconds: 60,
      minSamples: 5,
      action: "notify",
    },
    "PUT /api/v1/deployments/[deployment]/degradation": { level: "fallback", reason: "fuzz", confirm: slug },
    "PUT /api/v1/deployments/[deployment]/rollback-plan": { mode: "ramp", rampStages: [10, 100], rampDwellSeconds: 60, requireDistinctApprover: true },
    "POST /api/v1/deployments/[deployment]/promotions": { version: "v13", floor: 0.9, override: false, apply: false },
    "POST /api/v1/deployments/[deployment]/rollbacks": { mode: "instant", reason: "fuzz", targetVersion: "v13" },
    "POST /api/v1/metrics": { points: [{ deployment: slug, version: "v14", metric: "canary_accuracy", ts: new Date().toISOString(), value: 0.9, sampleCount: 1 }] },
    "POST /api/v1/models/[model]/versions": { version: "v99", artifactUri: "s3://m/v99", artifactDigest: `sha256:${"d".repeat(64)}`, manifest: { weightsDigest: `sha256:${"e".repeat(64)}` }, offlineScores: { a: 0.5 } },
  };
  return templates[key] ?? { note: "fuzz" };
}

/** Sets `value` at a random path of `body` (or replaces the body), as raw JSON text. */
const mutatedJson = (body: Record<string, unknown>) =>
  fc.tuple(fc.nat(), fc.nat(), hostileValue).map(([pick, nested, value]) => {
    const copy = structuredClone(body);
    const keys = Object.keys(copy);
    if (keys.length === 0 || pick % 7 === 0) return JSON.stringify(value) ?? "null";
    const key = keys[pick % keys.length]!;
    const inner = copy[key];
    if (inner && typeof inner === "object" && !Array.isArray(inner) && nested % 2 === 0) {
      const innerKeys = Object.keys(inner);
      (inner as Record<string, unknown>)[innerKeys[nested % innerKeys.length] ?? "extra"] = value;
    } else if (Array.isArray(inner) && inner[0] && typeof inner[0] === "object") {
      const first = inner[0] as Record<string, unknown>;
      first[Object.keys(first)[nested % Object.keys(first).length]!] = value;
    } else {
      copy[key] = value;
    }
    return JSON.stringify(copy);
  });

const rawBodies = fc.constantFrom(
  "",
  "{not json",
  "NaN",
  "Infinity",
  '{"a":1e999}',
  '"\\u0000"',
  '{"\\u0000":1}',
  '{"note":"\\ud800"}',
  "\u0000",
  "\xff\xfe",
  `${"[".repeat(5000)}${"]".repeat(5000)}`,
  `${"{\"a\":".repeat(3000)}1${"}".repeat(3000)}`,
);

const contentTypes = fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16");

type Case = { body: string; contentType: string; bySession: boolean; idempotencyKey: string | null };

const bodyCase = (entry: RouteEntry, slug: string, model: string): fc.Arbitrary<Case> =>
  fc.record({
    body: fc.oneof({ weight: 6, arbitrary: mutatedJson(template(entry.key, slug, model)) }, { weight: 2, arbitrary: rawBodies }, { weight: 1, arbitrary: fc.constant(`{"pad":"${"x".repeat(9 * 1024 * 1024)}"}`) }),
    contentType: fc.oneof({ weight: 4, arbitrary: fc.constant("application/json") }, { weight: 1, arbitrary: contentTypes }),
    bySession: fc.boolean(),
    idempotencyKey: fc.option(fc.oneof(fc.stringMatching(/^[!-~]{1,40}$/), fc.constant("x".repeat(300))), { freq: 4 }),
  });

/** A URL can carry it (a lone surrogate cannot be percent-encoded; `%ud800` stands for it). */
function encodable(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

const QUERY_NAMES = ["metric", "from", "to", "limit", "status", "kind", "maxPoints", "period", "days", "deployment", "version", "sort", "page"];
const queryCase = fc.record({
  name: fc.constantFrom(...QUERY_NAMES),
  value: fc.oneof(hostileText.filter(encodable), fc.constantFrom("%00", "%ud800", "1e999", "-1", "99999999999999999999")),
  pathValue: fc.option(hostileText, { freq: 3 }),
});

// ---- The app's state, and what a refused request must leave untouched. ------------------------
const TABLES = ["Model", "ModelVersion", "Deployment", "DeploymentVersion", "RollbackPolicy", "RollbackPlan", "RollbackOperation", "RollbackStep", "MetricPoint", "Rehearsal", "Postmortem", "IdempotencyRecord", "AuditEvent"];
async function rowCounts(): Promise<Record<string, number>> {
  const [row] = await db().$queryRawUnsafe<Record<string, bigint>[]>(`SELECT ${TABLES.map((t) => `(SELECT count(*) FROM "${t}") AS "${t}"`).join(", ")}`);
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
}

let token = "";
let session = "";
let fill: (name: string) => string = () => "";
let slug = "";
let model = "";

beforeAll(async () => {
  const admin = await makeToken("ADMIN");
  token = admin.token;
  session = await sessionCookie((await makeUser("ADMIN")).user.id);
  const made = await makeDeployment({ versions: ["v12", "v13", "v14"] });
  slug = made.deployment.slug;
  model = made.model.slug;
  const opened = await requestRollback(
    apiRequest(`/api/v1/deployments/${slug}/rollbacks`, { token, body: { mode: "instant", reason: "fuzz target" } }),
    params({ deployment: slug }),
  );
  const rollbackId = ((await opened.json()) as { id: string }).id;
  const real: Record<string, string> = { deployment: slug, model, version: "v12", id: rollbackId };
  fill = (name) => real[name] ?? "fuzz-nonexistent";
});

afterAll(() => stopBoss());

const NAMES_THE_PROBLEM = /^[^\n]{1,200}?: \S/;
/** A refusal this endpoint keeps on purpose: a rehearsal that may not run now is recorded as REFUSED (409). */
const RECORDED_REFUSALS: Record<string, string[]> = { "POST /api/v1/deployments/[deployment]/rehearsals": ["Rehearsal", "AuditEvent"] };

describe("bad input to every /api/v1 endpoint", () => {
  it("answers a 4xx naming the problem, never a 5xx, and leaves no row behind a refusal", async () => {
    const endpoints = (await routeInventory()).filter((e) => e.route.startsWith("/api/v1/") && e.key !== "GET /api/v1/openapi.json");
    const statuses: Record<number, number> = {};
    const failures: string[] = [];
    let sent = 0;

    const send = async (entry: RouteEntry, request: Request, routeParams: Record<string, string | string[]>, what: string) => {
      const before = await rowCounts();
      const response = await entry.handler(request, { params: Promise.resolve(routeParams) });
      sent++;
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      const text = await response.text();
      if (response.status >= 500) failures.push(`${entry.key} ${what}: ${response.status} ${text.slice(0, 200)}`);
      if (response.status < 400) return;
      const message = (JSON.parse(text) as { message?: unknown }).message;
      if (typeof message !== "string" || message.trim() === "") failures.push(`${entry.key} ${what}: ${response.status} without a message`);
      else if ([400, 413, 415, 422].includes(response.status) && !NAMES_THE_PROBLEM.test(message)) failures.push(`${entry.key} ${what}: "${message.slice(0, 120)}" names no field`);
      const after = await rowCounts();
      const changed = TABLES.filter((t) => after[t] !== before[t] && !(response.status === 409 && RECORDED_REFUSALS[entry.key]?.includes(t)));
      if (changed.length > 0) failures.push(`${entry.key} ${what}: refused with ${response.status} but changed ${changed.join(", ")}`);
    };

    for (const [index, entry] of endpoints.entries()) {
      const { url, params: routeParams } = routeUrl(entry.route, fill);
      if (entry.method !== "GET") {
        for (const c of fc.sample(bodyCase(entry, slug, model), { seed: SEED + index, numRuns: 14 })) {
          const headers: Record<string, string> = { "content-type": c.contentType };
          if (c.idempotencyKey) headers["idempotency-key"] = c.idempotencyKey;
          const request = apiRequest(url, { method: entry.method, rawBody: c.body, ...(c.bySession ? { session } : { token }), headers });
          await send(entry, request, routeParams, `body ${JSON.stringify(c.body.slice(0, 80))} as ${c.contentType}${c.bySession ? " by session" : ""}`);
        }
      }
      for (const q of fc.sample(queryCase, { seed: SEED + 1000 + index, numRuns: 6 })) {
        const hostileParams = q.pathValue === null ? routeParams : Object.fromEntries(Object.keys(routeParams).map((k) => [k, q.pathValue!]));
        const request = apiRequest(`${url}?${encodeURIComponent(q.name)}=${q.value.startsWith("%") ? q.value : encodeURIComponent(q.value)}`, { method: entry.method, token, ...(entry.method === "GET" ? {} : { body: {} }) });
        await send(entry, request, hostileParams, `query ${q.name}=${JSON.stringify(q.value.slice(0, 40))}${q.pathValue === null ? "" : ` path=${JSON.stringify(q.pathValue.slice(0, 40))}`}`);
      }
    }
    const summary = Object.entries(statuses).map(([status, n]) => `${status}×${n}`).join(", ");
    console.log(`bad-input fuzz: ${sent} requests to ${endpoints.length} endpoints (seed ${SEED}): ${summary}`);
    expect(failures).toEqual([]);
  });
});
