import { z } from "zod";
import { secretEnvName } from "@/lib/plugins/kind-registry";
import { defineMetricSource } from "../source";
import type { PrometheusConnection } from "./client";
import { createPrometheusSource } from "./prometheus-source";
import { parseTemplate } from "./promql-template";

// `prometheus`: the metric read from a Prometheus HTTP API (Prometheus, Thanos, Mimir) by a PromQL
// query with {{version}} and {{deployment}} placeholders. Credentials are read from the
// environment variable the configuration names, at every use; they are never stored.

/** Reversegate's own secrets: a metric source may not be told to send them anywhere. */
const OWN_SECRETS = ["DATABASE_URL", "NEXTAUTH_SECRET", "OIDC_CLIENT_SECRET", "SERVING_SECRET"];
const credentialEnv = secretEnvName.refine((name) => !OWN_SECRETS.includes(name), {
  error: (issue) => `${String(issue.input)} holds one of Reversegate's own secrets; name a variable that holds the Prometheus credential`,
});

/** Headers the client sets itself, which a configuration may not replace. */
const OWN_HEADERS = new Set(["authorization", "host", "content-type", "content-length", "accept", "user-agent", "connection", "transfer-encoding"]);

const configSchema = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, error: "expected the API's base URL, e.g. http://prometheus:9090 or https://mimir.example/prometheus" })
      .refine(
        (url) => {
          const parsed = new URL(url);
          return !parsed.username && !parsed.password && !parsed.search && !parsed.hash;
        },
        { error: "the URL may carry a path prefix but no credentials, query or fragment (credentials go in auth)" },
      )
      .describe("The Prometheus HTTP API's base URL, with any path prefix (Thanos, Mimir): /api/v1/query_range is appended"),
    query: z
      .string({ error: "expected PromQL text" })
      .min(1, "must not be empty")
      .max(10_000, "must be at most 10000 characters")
      .superRefine((query, ctx) => {
        const parsed = parseTemplate(query);
        if (!parsed.ok) ctx.addIssue({ code: "custom", message: `the query ${parsed.problem}` });
      })
      .describe('PromQL giving one series per version, with {{version}} (and {{deployment}}) inside quoted label values, e.g. sum(rate(router_correct_total{version="{{version}}"}[5m])) / sum(rate(router_requests_total{version="{{version}}"}[5m]))'),
    auth: z
      .discriminatedUnion(
        "type",
        [
          z.strictObject({ type: z.literal("bearer"), tokenEnv: credentialEnv.describe("The environment variable holding the bearer token") }),
          z.strictObject({
            type: z.literal("basic"),
            username: z.string().min(1, "must not be empty").max(200, "must be at most 200 characters"),
            passwordEnv: credentialEnv.describe("The environment variable holding the password"),
          }),
        ],
        { error: 'type must be "bearer" or "basic"' },
      )
      .optional(),
    timeoutSeconds: z
      .number({ error: "must be a whole number of seconds between 1 and 120" })
      .int("must be a whole number of seconds between 1 and 120")
      .min(1, "must be a whole number of seconds between 1 and 120")
      .max(120, "must be a whole number of seconds between 1 and 120")
      .default(10)
      .describe("How long one request may take"),
    tls: z
      .strictObject({
        caFile: z.string().min(1, "must not be empty").max(1000).optional().describe("A PEM file of the CA that signed the server's certificate"),
        insecureSkipVerify: z.boolean().default(false).describe("Accept any certificate (testing only)"),
      })
      .optional(),
    headers: z
      .record(z.string(), z.string().max(1000).regex(/^[^\r\n]*$/, "a header value is one line"))
      .superRefine((headers, ctx) => {
        for (const name of Object.keys(headers)) {
          if (!/^[A-Za-z0-9-]{1,100}$/.test(name)) ctx.addIssue({ code: "custom", path: [name], message: "a header name is letters, digits and dashes" });
          else if (OWN_HEADERS.has(name.toLowerCase())) ctx.addIssue({ code: "custom", path: [name], message: `${name} is set by Reversegate itself (credentials go in auth)` });
        }
      })
      .optional()
      .describe("Other request headers, e.g. Mimir's tenant X-Scope-OrgID (not for secrets)"),
  })
  .superRefine((config, ctx) => {
    if (config.tls && !config.url.startsWith("https:")) ctx.addIssue({ code: "custom", path: ["tls"], message: "needs an https URL" });
  });

export const prometheusSource = defineMetricSource({
  kind: "prometheus",
  label: "Prometheus HTTP API (Prometheus, Thanos, Mimir)",
  configSchema,
  create(config, deps) {
    let authorization: PrometheusConnection["authorization"] = null;
    if (config.auth?.type === "bearer") {
      const token = deps.secret(config.auth.tokenEnv);
      authorization = token ? { header: `Bearer ${token}` } : { missing: `the environment variable ${config.auth.tokenEnv} (auth.tokenEnv) is not set` };
    } else if (config.auth?.type === "basic") {
      const password = deps.secret(config.auth.passwordEnv);
      authorization = password
        ? { header: `Basic ${Buffer.from(`${config.auth.username}:${password}`).toString("base64")}` }
        : { missing: `the environment variable ${config.auth.passwordEnv} (auth.passwordEnv) is not set` };
    }
    const connection: PrometheusConnection = {
      url: config.url,
      timeoutMs: config.timeoutSeconds * 1000,
      authorization,
      tls: config.tls ?? null,
      headers: config.headers ?? {},
    };
    return createPrometheusSource(connection, config.query);
  },
  describe(config) {
    const auth =
      config.auth?.type === "bearer" ? `, bearer token from ${config.auth.tokenEnv}` : config.auth?.type === "basic" ? `, basic auth as ${config.auth.username} with the password from ${config.auth.passwordEnv}` : "";
    return { target: `${config.url}${auth}` };
  },
});
