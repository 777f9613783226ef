// Request handling for the simulator as a function of (state, request, clock): routing, signature
// check, injected faults, idempotency replay and input validation. No sockets here; server.ts
// carries requests in and answers out.
import { z } from "zod";
import {
  degradationRequestSchema,
  describeIssues,
  invalidationRequestSchema,
  manifestRequestSchema,
  nameSchema,
  pinRequestSchema,
  preflightRequestSchema,
  trafficRequestSchema,
  versionSchema,
  type WireCapabilities,
} from "../contract";
import { verifySignature } from "../signature";
import {
  createInitialState,
  createInvalidation,
  deploymentNotFound,
  deploymentView,
  errorReply,
  invalidationView,
  logRequest,
  pinVersion,
  preflightManifest,
  rememberOutcome,
  restoreManifest,
  rulesFor,
  setConsumers,
  setDegradation,
  setFaultRule,
  setTraffic,
  settleAcknowledgements,
  SIMULATOR_DEGRADATION_LEVELS,
  type DeploymentState,
  type Reply,
  type SimulatorState,
} from "./state";

export interface SimRequest {
  method: string;
  /** The request target as received, query string included (it is what the client signed). */
  target: string;
  timestamp: string | undefined;
  signature: string | undefined;
  idempotencyKey: string | undefined;
  rawBody: string;
}

export interface SimSettings {
  secret: string;
  consumerAckMs: number;
}

export interface Clock {
  nowMs: number;
  random: () => number;
}

export type SimOutcome =
  | { kind: "respond"; status: number; body: unknown; delayMs: number; headers: Record<string, string> }
  | { kind: "hang" };

const faultsRequestSchema = z.strictObject({
  deployment: nameSchema.optional(),
  failNextRequests: z.number().int().min(0).max(1000).optional(),
  errorRate: z.number().min(0).max(1).optional(),
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  hang: z.boolean().optional(),
  refuseVersions: z.array(versionSchema).max(100).optional(),
  silentConsumers: z.array(nameSchema).max(100).optional(),
  unreachableArtifacts: z.array(z.string().min(1).max(200)).max(100).optional(),
});

const profileRequestSchema = z.strictObject({
  versions: z.record(versionSchema, z.number().min(0).max(1)),
});

const consumersRequestSchema = z
  .strictObject({
    ids: z
      .array(nameSchema)
      .max(50)
      .refine((ids) => new Set(ids).size === ids.length, "ids must be unique"),
    /** How long each consumer takes to acknowledge an invalidation; unlisted ones take SERVING_SIM_CONSUMER_ACK_MS. */
    ackDelaysMs: z.record(nameSchema, z.number().int().min(0).max(600_000)).optional(),
  })
  .refine((body) => Object.keys(body.ackDelaysMs ?? {}).every((id) => body.ids.includes(id)), { message: "ackDelaysMs may only name consumers in ids", path: ["ackDelaysMs"] });

type Params = Record<"deployment" | "invalidation", string | undefined>;

/** What every handler works in: the state, the clock and the simulator's settings. */
interface Scope {
  state: SimulatorState;
  clock: Clock;
  settings: SimSettings;
}

interface RouteArgs<B> extends Scope {
  params: { deployment: string; invalidation: string };
  body: B;
}

interface Route {
  method: string;
  segments: string[];
  /** Unset: the route reads no body. */
  body: z.ZodType | undefined;
  run: (args: RouteArgs<never>) => Reply;
}

function route<S extends z.ZodType | undefined>(
  method: string,
  pattern: string,
  body: S,
  run: (args: RouteArgs<S extends z.ZodType ? z.output<S> : undefined>) => Reply,
): Route {
  return { method, segments: pattern.split("/").filter(Boolean), body, run };
}

function withDeployment(
  { state, clock, settings }: Scope,
  name: string,
  run: (deployment: DeploymentState) => Reply,
): Reply {
  const deployment = state.deployments.get(name);
  if (deployment === undefined) return deploymentNotFound(name);
  settleAcknowledgements(state, deployment, clock.nowMs, settings.consumerAckMs);
  return run(deployment);
}

const CAPABILITIES: WireCapabilities = {
  trafficSplit: true,
  stickiness: true,
  manifestRestore: true,
  consumerInvalidation: true,
  degradation: true,
  manifestPreflight: true,
};

const controlRoutes: Route[] = [
  route("GET", "/v1/health", undefined, () => ({
    status: 200,
    body: { status: "ok", capabilities: CAPABILITIES, degradation: { levels: SIMULATOR_DEGRADATION_LEVELS } },
  })),
  route("GET", "/v1/deployments/:deployment", undefined, (args) =>
    withDeployment(args, args.params.deployment, (found) => ({ status: 200, body: deploymentView(found) })),
  ),
  route("PUT", "/v1/deployments/:deployment/pin", pinRequestSchema, ({ state, params, body, clock }) =>
    pinVersion(state, params.deployment, body, clock.nowMs),
  ),
  route("PUT", "/v1/deployments/:deployment/traffic", trafficRequestSchema, ({ state, params, body }) =>
    setTraffic(state, params.deployment, body),
  ),
  route("PUT", "/v1/deployments/:deployment/manifest", manifestRequestSchema, ({ state, params, body }) =>
    restoreManifest(state, params.deployment, { ...body.manifest, version: body.version }),
  ),
  route(
    "POST",
    "/v1/deployments/:deployment/invalidations",
    invalidationRequestSchema,
    ({ state, params, body, clock }) => createInvalidation(state, params.deployment, body, clock.nowMs),
  ),
  route("PUT", "/v1/deployments/:deployment/degradation", degradationRequestSchema, ({ state, params, body, clock }) =>
    setDegradation(state, params.deployment, body, clock.nowMs),
  ),
  route("POST", "/v1/deployments/:deployment/preflight", preflightRequestSchema, ({ state, params, body, clock }) =>
    preflightManifest(state, params.deployment, body, clock.nowMs),
  ),
  route("GET", "/v1/deployments/:deployment/invalidations/:invalidation", undefined, (args) => {
    const { deployment, invalidation: id } = args.params;
    return withDeployment(args, deployment, (found) => {
      const invalidation = found.invalidations.find((candidate) => candidate.id === id);
      return invalidation === undefined
        ? errorReply(404, "invalidation_not_found", `no invalidation ${id} on ${deployment}`)
        : { status: 200, body: invalidationView(invalidation) };
    });
  }),
];

const simRoutes: Route[] = [
  route("PUT", "/sim/faults", faultsRequestSchema, ({ state, body }) => {
    setFaultRule(state, {
      deployment: body.deployment,
      failNextRequests: body.failNextRequests ?? 0,
      errorRate: body.errorRate ?? 0,
      latencyMs: body.latencyMs ?? 0,
      hang: body.hang ?? false,
      refuseVersions: body.refuseVersions ?? [],
      silentConsumers: body.silentConsumers ?? [],
      unreachableArtifacts: body.unreachableArtifacts ?? [],
    });
    return { status: 200, body: { faults: state.faults } };
  }),
  route("DELETE", "/sim/faults", undefined, ({ state }) => {
    state.faults = [];
    return { status: 200, body: { faults: [] } };
  }),
  route("PUT", "/sim/deployments/:deployment/profile", profileRequestSchema, ({ state, params, body }) => {
    state.profiles.set(params.deployment, new Map(Object.entries(body.versions)));
    return { status: 200, body: { deployment: params.deployment, versions: body.versions } };
  }),
  route("PUT", "/sim/deployments/:deployment/consumers", consumersRequestSchema, ({ state, params, body, clock }) => {
    setConsumers(state, params.deployment, body.ids, clock.nowMs, body.ackDelaysMs);
    return { status: 200, body: { deployment: params.deployment, ids: body.ids, ackDelaysMs: body.ackDelaysMs ?? {} } };
  }),
  route("GET", "/sim/requests", undefined, ({ state }) => ({ status: 200, body: { requests: state.requestLog } })),
  route("DELETE", "/sim/requests", undefined, ({ state }) => {
    state.requestLog = [];
    return { status: 200, body: { requests: [] } };
  }),
  route("DELETE", "/sim/reset", undefined, ({ state }) => {
    Object.assign(state, createInitialState());
    return { status: 200, body: { reset: true } };
  }),
];

type Match = { route: Route; params: Params } | { route: undefined; allowed: string[] };

function matchRoute(routes: Route[], method: string, pathname: string): Match {
  const segments = pathname.split("/").filter(Boolean);
  const allowed: string[] = [];
  for (const candidate of routes) {
    if (candidate.segments.length !== segments.length) continue;
    const params: Params = { deployment: undefined, invalidation: undefined };
    const fits = candidate.segments.every((part, index) => {
      const actual = segments[index] ?? "";
      if (part === ":deployment" || part === ":invalidation") {
        params[part.slice(1) as keyof Params] = actual;
        return true;
      }
      return part === actual;
    });
    if (!fits) continue;
    if (candidate.method === method) return { route: candidate, params };
    allowed.push(candidate.method);
  }
  return { route: undefined, allowed };
}

/** The deployment segment of a path, before any validation, so faults can be scoped by it. */
function deploymentSegment(pathname: string): string | undefined {
  const segments = pathname.split("/").filter(Boolean);
  return segments[1] === "deployments" ? safeDecode(segments[2] ?? "") : undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Validate path parameters and body, then run the route. */
function runRoute(scope: Scope, matched: { route: Route; params: Params }, request: SimRequest): Reply {
  const deployment = safeDecode(matched.params.deployment ?? "");
  if (matched.params.deployment !== undefined) {
    const parsed = nameSchema.safeParse(deployment);
    if (!parsed.success) return errorReply(400, "invalid_request", `deployment: ${describeIssues(parsed.error)}`);
  }
  let body: unknown;
  if (matched.route.body !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(request.rawBody);
    } catch {
      return errorReply(400, "invalid_json", "the request body is not valid JSON");
    }
    const parsed = matched.route.body.safeParse(json);
    if (!parsed.success) return errorReply(400, "invalid_request", describeIssues(parsed.error));
    body = parsed.data;
  }
  const params = { deployment, invalidation: safeDecode(matched.params.invalidation ?? "") };
  // The route's own schema produced `body`, so it has the type its handler declared.
  return matched.route.run({ ...scope, params, body: body as never });
}

function respond(reply: Reply, delayMs = 0, headers: Record<string, string> = {}): SimOutcome {
  return { kind: "respond", status: reply.status, body: reply.body, delayMs, headers };
}

function noRoute(allowed: string[], pathname: string): Reply {
  return allowed.length === 0
    ? errorReply(404, "not_found", `no route ${pathname}`)
    : errorReply(405, "method_not_allowed", `use ${allowed.join(" or ")} on ${pathname}`);
}

function handleSimControl(scope: Scope, request: SimRequest, pathname: string): SimOutcome {
  const matched = matchRoute(simRoutes, request.method, pathname);
  if (matched.route === undefined) return respond(noRoute(matched.allowed, pathname));
  return respond(runRoute(scope, matched, request));
}

function handleControl(scope: Scope, request: SimRequest, pathname: string): SimOutcome {
  const { state, clock, settings } = scope;
  const entry = logRequest(state, request.method, pathname, clock.nowMs);
  const rules = rulesFor(state, deploymentSegment(pathname));
  const delayMs = Math.max(0, ...rules.map((rule) => rule.latencyMs));
  const finish = (reply: Reply, headers: Record<string, string> = {}): SimOutcome => {
    entry.status = reply.status;
    return respond(reply, delayMs, headers);
  };

  // Faults stand for the infrastructure in front of the application, so they come first.
  if (rules.some((rule) => rule.hang)) return { kind: "hang" };
  const failing = rules.find((rule) => rule.failNextRequests > 0);
  if (failing !== undefined) {
    failing.failNextRequests -= 1;
    return finish(errorReply(503, "unavailable", "simulated outage (failNextRequests)"));
  }
  if (rules.some((rule) => rule.errorRate > 0 && clock.random() < rule.errorRate)) {
    return finish(errorReply(503, "unavailable", "simulated outage (errorRate)"));
  }

  const matched = matchRoute(controlRoutes, request.method, pathname);
  if (matched.route === undefined) return finish(noRoute(matched.allowed, pathname));

  // Reads may come unsigned, so an operator can `curl` what is pinned; a change never can, and a
  // signature that is present is always checked.
  const unsignedRead = request.method === "GET" && request.signature === undefined;
  if (pathname !== "/v1/health" && !unsignedRead) {
    const check = verifySignature(
      settings.secret,
      { method: request.method, path: request.target, rawBody: request.rawBody },
      { timestamp: request.timestamp, signature: request.signature },
      clock.nowMs,
    );
    if (!check.ok) return finish(errorReply(401, "unauthorized", `request signature ${check.reason}`));
  }

  const key = request.method === "GET" ? undefined : request.idempotencyKey;
  const previous = key === undefined ? undefined : state.idempotency.get(key);
  if (previous !== undefined) {
    if (previous.method !== request.method || previous.path !== pathname || previous.rawBody !== request.rawBody) {
      return finish(errorReply(422, "idempotency_key_reused", "this Idempotency-Key belongs to another request"));
    }
    entry.replayed = true;
    return finish({ status: previous.status, body: previous.body }, { "idempotent-replayed": "true" });
  }

  const reply = runRoute(scope, matched, request);
  // 5xx answers are not remembered: the point of retrying them is to get a fresh attempt.
  if (key !== undefined && reply.status < 500) {
    rememberOutcome(state, key, { method: request.method, path: pathname, rawBody: request.rawBody, ...reply });
  }
  return finish(reply);
}

export function handleRequest(
  state: SimulatorState,
  request: SimRequest,
  clock: Clock,
  settings: SimSettings,
): SimOutcome {
  const scope = { state, clock, settings };
  const pathname = new URL(request.target, "http://simulator.invalid").pathname;
  if (pathname === "/sim" || pathname.startsWith("/sim/")) return handleSimControl(scope, request, pathname);
  return handleControl(scope, request, pathname);
}
