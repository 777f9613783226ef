// Just enough of a Kubernetes API client for one resource: where the API server is and how to
// authenticate (the pod's service account, or a kubeconfig file), JSON requests over HTTPS, and
// the API's `Status` errors mapped to the serving port's error kinds.
import { readFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { dirname, isAbsolute, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ServingError, type ServingErrorKind } from "../../port";

/** Where Kubernetes mounts a pod's service-account credentials. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

export interface KubernetesConnection {
  server: URL;
  /** Says where the connection came from, for messages: "in-cluster service account", "kubeconfig /x (context y)". */
  source: string;
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  insecureSkipTlsVerify: boolean;
  tlsServerName?: string;
  /** The bearer token, read again for every request: projected service-account tokens rotate. */
  token: () => Promise<string | undefined>;
}

const misconfigured = (message: string, cause?: unknown) => new ServingError("misconfigured", message, { cause });

async function readOrRefuse(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw misconfigured(`cannot read ${what} ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, error);
  }
}

/** The pod's own service account: the API server from KUBERNETES_SERVICE_HOST/PORT, its token and CA from `dir`. */
export async function inClusterConnection(apiServer: string | undefined, dir = SERVICE_ACCOUNT_DIR): Promise<KubernetesConnection> {
  if (!apiServer) {
    throw misconfigured("not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST is not set); give the backend a kubeconfig path instead");
  }
  const tokenPath = join(dir, "token");
  const ca = await readOrRefuse(join(dir, "ca.crt"), "the service account's CA certificate");
  await readOrRefuse(tokenPath, "the service account token");
  return {
    server: new URL(apiServer),
    source: "in-cluster service account",
    ca,
    insecureSkipTlsVerify: false,
    token: async () => (await readOrRefuse(tokenPath, "the service account token")).toString("utf8").trim(),
  };
}

// A kubeconfig's fields as kubectl writes them; anything else in the file is ignored.
const kubeconfigCluster = z.object({
  server: z.url({ protocol: /^https?$/ }),
  "certificate-authority": z.string().optional(),
  "certificate-authority-data": z.string().optional(),
  "insecure-skip-tls-verify": z.boolean().optional(),
  "tls-server-name": z.string().optional(),
});
const kubeconfigUser = z.object({
  token: z.string().optional(),
  tokenFile: z.string().optional(),
  "client-certificate": z.string().optional(),
  "client-certificate-data": z.string().optional(),
  "client-key": z.string().optional(),
  "client-key-data": z.string().optional(),
  exec: z.unknown().optional(),
  "auth-provider": z.unknown().optional(),
});
const kubeconfigSchema = z.object({
  "current-context": z.string().optional(),
  contexts: z.array(z.object({ name: z.string(), context: z.object({ cluster: z.string(), user: z.string().optional() }) })).default([]),
  clusters: z.array(z.object({ name: z.string(), cluster: kubeconfigCluster })).default([]),
  users: z.array(z.object({ name: z.string(), user: kubeconfigUser.nullable() })).default([]),
});

/** A kubeconfig file's context (`context`, or its current-context); relative paths in it are relative to the file. */
export async function kubeconfigConnection(path: string, context?: string): Promise<KubernetesConnection> {
  const text = (await readOrRefuse(path, "the kubeconfig")).toString("utf8");
  let parsed: z.infer<typeof kubeconfigSchema>;
  try {
    parsed = kubeconfigSchema.parse(parseYaml(text));
  } catch (error) {
    const detail = error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") : (error as Error).message;
    throw misconfigured(`kubeconfig ${path} is not a kubeconfig (${detail})`, error);
  }
  const contextName = context ?? parsed["current-context"];
  const where = `kubeconfig ${path}`;
  if (!contextName) throw misconfigured(`${where} has no current-context; name the context in the backend's configuration`);
  const chosen = parsed.contexts.find((c) => c.name === contextName)?.context;
  if (!chosen) throw misconfigured(`${where} has no context ${contextName}`);
  const cluster = parsed.clusters.find((c) => c.name === chosen.cluster)?.cluster;
  if (!cluster) throw misconfigured(`${where}: context ${contextName} names cluster ${chosen.cluster}, which it does not define`);
  const user = (chosen.user === undefined ? null : parsed.users.find((u) => u.name === chosen.user)?.user) ?? {};
  if (user.exec !== undefined || user["auth-provider"] !== undefined) {
    throw misconfigured(`${where}: user ${chosen.user} gets credentials from an exec plugin or auth provider, which Reversegate does not run; give it a token or a client certificate`);
  }
  const resolve = (file: string) => (isAbsolute(file) ? file : join(dirname(path), file));
  const fileOrData = async (file: string | undefined, data: string | undefined, what: string) =>
    data !== undefined ? Buffer.from(data, "base64") : file !== undefined ? readOrRefuse(resolve(file), what) : undefined;
  const tokenFile = user.tokenFile === undefined ? undefined : resolve(user.tokenFile);
  return {
    server: new URL(cluster.server),
    source: `kubeconfig ${path} (context ${contextName})`,
    ca: await fileOrData(cluster["certificate-authority"], cluster["certificate-authority-data"], "the cluster's CA certificate"),
    cert: await fileOrData(user["client-certificate"], user["client-certificate-data"], "the client certificate"),
    key: await fileOrData(user["client-key"], user["client-key-data"], "the client key"),
    insecureSkipTlsVerify: cluster["insecure-skip-tls-verify"] === true,
    tlsServerName: cluster["tls-server-name"],
    token: async () => (user.token !== undefined ? user.token : tokenFile !== undefined ? (await readOrRefuse(tokenFile, "the token file")).toString("utf8").trim() : undefined),
  };
}

/** The `Status` object the API server answers errors with (only the fields read here). */
const statusSchema = z.object({ kind: z.literal("Status"), message: z.string().optional(), reason: z.string().optional(), code: z.number().optional() });

function kindForStatus(status: number): ServingErrorKind {
  if (status === 401 || status === 403) return "unauthorized";
  if (status === 404) return "not_found";
  if (status === 409) return "stale_revision";
  if (status === 408 || status === 504) return "timeout";
  if (status === 429 || status >= 500) return "server_error";
  return "rejected";
}

export type KubernetesRequest = { method: "GET" | "PATCH"; path: string; body?: unknown; contentType?: string };

/** One request; a non-2xx answer is a ServingError whose `code` is the Status `reason` (e.g. `Conflict`, `NotFound`). */
export async function kubernetesRequest(connection: KubernetesConnection, request: KubernetesRequest, timeoutMs: number, attempt = 1): Promise<unknown> {
  const token = await connection.token();
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const label = `${request.method} ${request.path}`;
  const base = connection.server.pathname.replace(/\/+$/, "");
  const send = connection.server.protocol === "https:" ? httpsRequest : httpRequest;
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const outgoing = send(
      {
        protocol: connection.server.protocol,
        hostname: connection.server.hostname.replace(/^\[|\]$/g, ""),
        port: connection.server.port || undefined,
        path: `${base}${request.path}`,
        method: request.method,
        headers: {
          accept: "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { "content-type": request.contentType ?? "application/json", "content-length": Buffer.byteLength(body) }),
        },
        ca: connection.ca,
        cert: connection.cert,
        key: connection.key,
        rejectUnauthorized: !connection.insecureSkipTlsVerify,
        servername: connection.tlsServerName,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        let received = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (received += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text: received }));
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  }).catch((thrown: Error & { code?: string }) => {
    if (thrown.name === "AbortError" || thrown.name === "TimeoutError") {
      throw new ServingError("timeout", `${label}: the Kubernetes API at ${connection.server.origin} did not answer within ${timeoutMs} ms`, { attempts: attempt, cause: thrown });
    }
    const cause = new Error(`Kubernetes API ${connection.server.origin} (${connection.source}): ${thrown.message}`);
    throw new ServingError("unreachable", `${label}: Kubernetes API unreachable (${thrown.code ?? thrown.message})`, { attempts: attempt, cause });
  });

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (status >= 200 && status < 300) {
    if (json === undefined) throw new ServingError("server_error", `${label}: answer ${status} is not JSON`, { retryable: false, status, attempts: attempt });
    return json;
  }
  const failure = statusSchema.safeParse(json);
  const reason = failure.success ? failure.data.reason : undefined;
  const message = failure.success ? (failure.data.message ?? reason ?? "") : text.slice(0, 200);
  throw new ServingError(kindForStatus(status), `${label}: ${status} ${reason ?? "error"}: ${message}`, { status, code: reason, attempts: attempt });
}
