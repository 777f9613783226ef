// `ServingAdapter` over the Serving Control API (serving-control-api.openapi.json).
// Every request is signed, bounded by a timeout, and retried only when the failure is retryable.
// Mutating requests carry one Idempotency-Key across all their attempts, so a retry after a lost
// answer replays the first outcome instead of applying the change twice.
//
// Deliberately not `server-only`: the rollback worker runs it outside a React server bundle.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { ALL_CAPABILITIES, servingCapabilitiesSchema, type ServingCapabilities } from "../../capabilities";
import {
  deploymentStatusSchema,
  errorBodySchema,
  healthSchema,
  IDEMPOTENCY_KEY_HEADER,
  invalidationReceiptSchema,
  invalidationStatusSchema,
  preflightResultSchema,
  type ErrorBody,
  type WireCapabilities,
} from "../../contract";
import { ServingError, type DeploymentStatus, type ServingAdapter, type ServingErrorKind, type ServingHealth } from "../../port";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signRequest } from "../../signature";
import { withRetries } from "../retry";

const optionsSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }),
  secret: z.string().min(1),
  /** Per attempt. */
  timeoutMs: z.number().int().positive(),
  /** Extra attempts after the first, for retryable failures only. */
  retries: z.number().int().min(0).max(10),
  backoffBaseMs: z.number().int().min(0).default(200),
  backoffMaxMs: z.number().int().min(0).default(5_000),
  /** Cap on one call's total time, attempts and waits included. */
  maxTotalMs: z.number().int().positive().default(30_000),
  /** What this serving plane supports; defaults to everything the API describes. */
  capabilities: servingCapabilitiesSchema.partial().optional(),
});

export type HttpServingAdapterOptions = z.input<typeof optionsSchema> & {
  fetchImpl?: typeof fetch;
};

type Method = "GET" | "PUT" | "POST";

function kindForStatus(status: number, code: string | undefined): ServingErrorKind {
  if (status === 401 || status === 403) return "unauthorized";
  if (status === 404) return "not_found";
  if (status === 409 && code === "stale_revision") return "stale_revision";
  if (status === 408) return "timeout";
  if (status === 429 || status >= 500) return "server_error";
  return "rejected";
}

function parseErrorBody(text: string): ErrorBody | undefined {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function errorFromThrown(thrown: unknown, label: string, attempts: number): ServingError {
  if (thrown instanceof Error && thrown.name === "TimeoutError") {
    return new ServingError("timeout", `${label}: no answer in time`, { attempts, cause: thrown });
  }
  const cause = thrown instanceof Error ? thrown.cause : undefined;
  const code =
    typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string"
      ? cause.code
      : undefined;
  const detail = code ?? (thrown instanceof Error ? thrown.message : String(thrown));
  return new ServingError("unreachable", `${label}: serving plane unreachable (${detail})`, {
    attempts,
    cause: thrown,
  });
}

/** The wire's capability names in the port's terms: a plane that sets weights can set 100 %. */
function fromWire(wire: WireCapabilities): ServingCapabilities {
  return {
    ramp: wire.trafficSplit,
    instantFlip: true,
    stickiness: wire.stickiness,
    consumerInvalidation: wire.consumerInvalidation,
    manifestRestore: wire.manifestRestore,
    degradation: wire.degradation === true,
    manifestPreflight: wire.manifestPreflight === true,
  };
}

export function createHttpServingAdapter(options: HttpServingAdapterOptions): ServingAdapter {
  const config = optionsSchema.parse(options);
  const fetchImpl = options.fetchImpl ?? fetch;
  const baseUrl = config.baseUrl.replace(/\/+$/, "");
  const capabilities: ServingCapabilities = { ...ALL_CAPABILITIES, ...config.capabilities };

  async function attemptOnce<T>(
    method: Method,
    url: URL,
    rawBody: string,
    idempotencyKey: string | undefined,
    schema: z.ZodType<T>,
    timeoutMs: number,
    attempt: number,
  ): Promise<T> {
    const label = `${method} ${url.pathname}`;
    const path = `${url.pathname}${url.search}`;
    // Signed per attempt: a retry after a long wait must not carry an aging timestamp.
    const { timestamp, signature } = signRequest(config.secret, { method, path, rawBody }, Date.now());
    const headers: Record<string, string> = {
      accept: "application/json",
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signature,
    };
    if (rawBody !== "") headers["content-type"] = "application/json";
    if (idempotencyKey !== undefined) headers[IDEMPOTENCY_KEY_HEADER] = idempotencyKey;

    let status: number;
    let text: string;
    try {
      const response = await fetchImpl(url, {
        method,
        headers,
        body: rawBody === "" ? undefined : rawBody,
        // A redirect would change the signed path; treat it as an answer, not something to follow.
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (thrown) {
      throw errorFromThrown(thrown, label, attempt);
    }

    if (status >= 200 && status < 300) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        throw new ServingError("server_error", `${label}: answer ${status} does not match the Serving Control API`, {
          retryable: false,
          status,
          attempts: attempt,
        });
      }
      return parsed.data;
    }

    const body = parseErrorBody(text);
    // A redirect means a misconfigured base URL: retrying lands on the same redirect.
    const redirected = status < 400;
    const kind = redirected ? "server_error" : kindForStatus(status, body?.error);
    const detail = `${body?.error ?? "error"}: ${body?.message ?? text.slice(0, 200)}`;
    throw new ServingError(kind, `${label}: ${status} ${detail}`, {
      retryable: redirected ? false : undefined,
      status,
      code: body?.error,
      currentRevision: body?.currentRevision,
      attempts: attempt,
    });
  }

  async function call<T>(method: Method, path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    const url = new URL(`${baseUrl}${path}`);
    const rawBody = body === undefined ? "" : JSON.stringify(body);
    const idempotencyKey = method === "GET" ? undefined : randomUUID();
    return withRetries(config, (attempt, timeoutMs) => attemptOnce(method, url, rawBody, idempotencyKey, schema, timeoutMs, attempt));
  }

  const deploymentPath = (deployment: string) => `/v1/deployments/${encodeURIComponent(deployment)}`;

  return {
    capabilities,
    checkHealth: async (): Promise<ServingHealth> => {
      const health = await call("GET", "/v1/health", undefined, healthSchema);
      const capabilities = fromWire(health.capabilities);
      return {
        status: health.status,
        capabilities,
        ...(capabilities.degradation ? { degradationLevels: health.degradation?.levels ?? [] } : {}),
      };
    },
    getStatus: (deployment): Promise<DeploymentStatus> =>
      call("GET", deploymentPath(deployment), undefined, deploymentStatusSchema),
    pinVersion: (deployment, input) =>
      call("PUT", `${deploymentPath(deployment)}/pin`, input, deploymentStatusSchema),
    setTraffic: (deployment, input) =>
      call("PUT", `${deploymentPath(deployment)}/traffic`, input, deploymentStatusSchema),
    restoreManifest: (deployment, input) =>
      call("PUT", `${deploymentPath(deployment)}/manifest`, input, deploymentStatusSchema),
    invalidateConsumers: (deployment, input) =>
      call("POST", `${deploymentPath(deployment)}/invalidations`, input, invalidationReceiptSchema),
    getInvalidation: (deployment, invalidationId) =>
      call(
        "GET",
        `${deploymentPath(deployment)}/invalidations/${encodeURIComponent(invalidationId)}`,
        undefined,
        invalidationStatusSchema,
      ),
    setDegradation: (deployment, input) =>
      call("PUT", `${deploymentPath(deployment)}/degradation`, input, deploymentStatusSchema),
    preflightManifest: (deployment, input) =>
      call("POST", `${deploymentPath(deployment)}/preflight`, input, preflightResultSchema),
  };
}
