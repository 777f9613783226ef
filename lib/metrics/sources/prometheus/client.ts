import "server-only";
import { readFile, stat } from "node:fs/promises";
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { MetricSourceError } from "../source";
import type { RangeRequest } from "./range-plan";

// The call Reversegate makes to the Prometheus HTTP API (also served by Thanos and Mimir, under a
// path prefix): /api/v1/query_range, POSTed as a form so long queries fit. Every failure becomes a MetricSourceError whose message says what Prometheus said:
// `configuration` when the setup is wrong and will stay wrong (a query Prometheus cannot parse,
// refused credentials, no API at the URL, an untrusted certificate), `evaluation` otherwise.

export interface PrometheusConnection {
  /** The API's base URL, with any path prefix, e.g. https://mimir.example/prometheus. */
  url: string;
  timeoutMs: number;
  /** The Authorization header, or the reason it cannot be sent (an unset variable). */
  authorization: { header: string } | { missing: string } | null;
  tls: { caFile?: string; insecureSkipVerify: boolean } | null;
  /** Other headers every request carries, e.g. Mimir's tenant `X-Scope-OrgID`. */
  headers: Record<string, string>;
}

/** One series of a range result: its labels and its [seconds, "value"] pairs as Prometheus sent them. */
export interface MatrixSeries {
  labels: Record<string, string>;
  values: [number, string][];
}

const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
const MAX_MESSAGE = 500;

const httpAgent = new HttpAgent({ keepAlive: true });
const httpsAgents = new Map<string, { mtimeMs: number; agent: HttpsAgent }>();

/** One keep-alive agent per TLS setting; a CA file is read again when it changes on disk. */
async function agentFor(connection: PrometheusConnection): Promise<HttpAgent | HttpsAgent> {
  if (!connection.url.startsWith("https:")) return httpAgent;
  const caFile = connection.tls?.caFile;
  const insecure = connection.tls?.insecureSkipVerify ?? false;
  const key = JSON.stringify([caFile ?? null, insecure]);
  let mtimeMs = 0;
  if (caFile) {
    try {
      mtimeMs = (await stat(caFile)).mtimeMs;
    } catch (error) {
      throw new MetricSourceError("configuration", `tls.caFile ${caFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }
  const cached = httpsAgents.get(key);
  if (cached && cached.mtimeMs === mtimeMs) return cached.agent;
  cached?.agent.destroy();
  const agent = new HttpsAgent({ keepAlive: true, rejectUnauthorized: !insecure, ...(caFile ? { ca: await readFile(caFile) } : {}) });
  httpsAgents.set(key, { mtimeMs, agent });
  return agent;
}

const clip = (text: string) => (text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text);

const TLS_TRUST_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

function transportError(connection: PrometheusConnection, error: unknown): MetricSourceError {
  const { code, name, message } = error as NodeJS.ErrnoException;
  const where = new URL(connection.url).origin;
  if (name === "AbortError" || name === "TimeoutError") {
    return new MetricSourceError("evaluation", `no answer from Prometheus at ${where} within ${connection.timeoutMs / 1000} s`, { cause: error });
  }
  if (code && TLS_TRUST_CODES.has(code)) {
    return new MetricSourceError("configuration", `Prometheus at ${where}: its TLS certificate is not trusted (${code}); set tls.caFile to the CA that signed it`, { cause: error });
  }
  return new MetricSourceError("evaluation", `Prometheus at ${where} is unreachable (${code ?? name}: ${clip(message)})`, { cause: error });
}

/** What a non-success answer means, from its status and Prometheus' `errorType`/`error`. */
export function answerError(status: number, body: string, endpoint: string): MetricSourceError {
  let errorType: string | null = null;
  let detail: string | null = null;
  try {
    const parsed = JSON.parse(body) as { errorType?: unknown; error?: unknown };
    if (typeof parsed.errorType === "string") errorType = parsed.errorType;
    if (typeof parsed.error === "string") detail = clip(parsed.error);
  } catch {
    // Not Prometheus' JSON (a proxy's page, say): its body is not repeated.
  }
  const said = `${status}${errorType ? ` ${errorType}` : ""}${detail ? `: ${detail}` : ""}`;
  if (errorType === "bad_data") return new MetricSourceError("configuration", `Prometheus refused the query (${said})`);
  if (status === 401 || status === 403) return new MetricSourceError("configuration", `Prometheus refused the credentials (${said})`);
  if (status === 404) return new MetricSourceError("configuration", `no Prometheus API at ${endpoint} (404); check the URL and its path prefix`);
  if (errorType === "execution") return new MetricSourceError("evaluation", `Prometheus could not run the query (${said})`);
  if (errorType === "timeout") return new MetricSourceError("evaluation", `Prometheus timed out running the query (${said})`);
  return new MetricSourceError("evaluation", `Prometheus answered ${said}${errorType || detail ? "" : " with no Prometheus error"}`);
}

async function post(connection: PrometheusConnection, path: string, form: Record<string, string>): Promise<unknown> {
  if (connection.authorization && "missing" in connection.authorization) throw new MetricSourceError("configuration", connection.authorization.missing);
  const endpoint = `${connection.url.replace(/\/+$/, "")}${path}`;
  const agent = await agentFor(connection);
  const body = new URLSearchParams(form).toString();
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    "content-length": String(Buffer.byteLength(body)),
    accept: "application/json",
    "user-agent": "Reversegate",
    ...connection.headers,
    ...(connection.authorization ? { authorization: connection.authorization.header } : {}),
  };
  const send = endpoint.startsWith("https:") ? httpsRequest : httpRequest;
  const signal = AbortSignal.timeout(connection.timeoutMs);
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = send(endpoint, { method: "POST", headers, agent, signal }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) {
          res.destroy(new Error(`the answer is over ${MAX_ANSWER_BYTES / 1024 / 1024} MB; narrow the query or the range`));
          return;
        }
        chunks.push(chunk);
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  }).catch((error: unknown) => {
    throw transportError(connection, error);
  });
  if (status < 200 || status >= 300) throw answerError(status, text, endpoint);
  try {
    const parsed = JSON.parse(text) as { status?: unknown; data?: unknown };
    if (parsed.status === "success") return parsed.data;
  } catch {
    // Reported below.
  }
  throw new MetricSourceError("evaluation", `${endpoint} answered ${status} with something other than a Prometheus API response`);
}

const seconds = (ms: number) => String(ms / 1000);

function matrixOf(data: unknown, endpoint: string): MatrixSeries[] {
  const { resultType, result } = (data ?? {}) as { resultType?: unknown; result?: unknown };
  if (resultType !== "matrix" || !Array.isArray(result)) {
    throw new MetricSourceError("configuration", `${endpoint} answered a ${String(resultType)} result, not a range of samples; the query must be an instant vector expression`);
  }
  return result.map((s: { metric?: Record<string, string>; values?: [number, string][] }) => ({ labels: s.metric ?? {}, values: s.values ?? [] }));
}

/** `query_range` of `query` at the request's instants. */
export async function queryRange(connection: PrometheusConnection, query: string, range: RangeRequest): Promise<MatrixSeries[]> {
  const data = await post(connection, "/api/v1/query_range", { query, start: seconds(range.start), end: seconds(range.end), step: seconds(range.stepMs) });
  return matrixOf(data, "query_range");
}
