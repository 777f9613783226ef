import "server-only";
import { z } from "zod";

// The one place that reads process.env. Parsed on first use, not at import, so `next build`
// does not need a database.
const serverEnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z.url({ message: "DATABASE_URL must be a postgresql:// URL" }),
    // PostgreSQL itself (same role) when DATABASE_URL goes through a transaction-pooling
    // PgBouncer: the rollback workers' LISTEN wake-ups need a session of their own.
    DATABASE_DIRECT_URL: z.url({ message: "DATABASE_DIRECT_URL must be a postgresql:// URL" }).optional(),
    // Only the web app signs sessions; CLIs (token, seed, worker) run without it.
    NEXTAUTH_SECRET: z.string().min(16, "NEXTAUTH_SECRET must be at least 16 characters").optional(),
    NEXTAUTH_URL: z.url().optional(),
    // How many reverse proxies stand in front of the app. Only their X-Forwarded-For, -Proto and
    // -Host are believed (a client can send any of these itself); 0 believes none.
    TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
    SESSION_MAX_AGE_SECONDS: z.coerce.number().int().min(300).default(8 * 60 * 60),
    OIDC_ISSUER: z.url().optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    OIDC_NAME: z.string().min(1).default("SSO"),
    OIDC_DEFAULT_ROLE: z.enum(["VIEWER", "OPERATOR", "APPROVER", "ADMIN"]).default("VIEWER"),
    SERVING_SECRET: z.string().min(8).default("reversegate-demo-serving-secret"),
    SERVING_TIMEOUT_MS: z.coerce.number().int().min(100).default(3000),
    // Extra attempts after the first for a retryable serving failure, and the backoff base.
    SERVING_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
    SERVING_BACKOFF_MS: z.coerce.number().int().min(0).default(200),
    // How long a rollback waits for consumers to acknowledge an invalidation.
    ROLLBACK_CONSUMER_ACK_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
    // A rollback worker's lease on its operation: renewed every third of this while it runs; a
    // worker that died is taken over this long after its last renewal.
    ROLLBACK_LEASE_MS: z.coerce.number().int().min(500).default(15_000),
    // How often a ramp stage's dwell reads the serving plane, so an outage fails it within one poll.
    ROLLBACK_DWELL_POLL_MS: z.coerce.number().int().min(100).default(5_000),
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(3000),
    METRICS_RETENTION_DAYS: z.coerce.number().int().min(1).default(90),
    // Set by Kubernetes in every pod: where the in-cluster API server is (the kserve serving backend).
    KUBERNETES_SERVICE_HOST: z.string().min(1).optional(),
    KUBERNETES_SERVICE_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
    REVERSEGATE_DEMO: z.enum(["0", "1"]).default("0"),
  })
  .refine((e) => !e.OIDC_ISSUER || (e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET), {
    message: "OIDC_ISSUER needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET",
    path: ["OIDC_ISSUER"],
  });

export type ServerEnv = z.infer<typeof serverEnvSchema>;

let cached: ServerEnv | undefined;

export function env(): ServerEnv {
  if (cached) return cached;
  const parsed = serverEnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n  ${problems.join("\n  ")}`);
  }
  cached = parsed.data;
  return cached;
}

/**
 * The value of the environment variable `name`, for plug-in configurations that reference a
 * secret by name (e.g. `secretEnv: "SERVING_SECRET"`) rather than storing it. SERVING_SECRET
 * keeps its demo default; any other variable that is unset or empty answers undefined.
 */
export function secretFromEnv(name: string): string | undefined {
  if (name === "SERVING_SECRET") return env().SERVING_SECRET;
  const value = process.env[name];
  return value === undefined || value === "" ? undefined : value;
}

/** The Kubernetes API server's URL when running in a pod, from the variables Kubernetes sets there. */
export function inClusterKubernetesApi(): string | undefined {
  const { KUBERNETES_SERVICE_HOST: host, KUBERNETES_SERVICE_PORT: port } = env();
  if (!host) return undefined;
  return `https://${host.includes(":") ? `[${host}]` : host}:${port ?? 443}`;
}

export function oidcEnabled(): boolean {
  return Boolean(env().OIDC_ISSUER);
}
