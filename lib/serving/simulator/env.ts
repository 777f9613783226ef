// The simulator's configuration. The only file of the simulator that reads process.env.
import { z } from "zod";
import { describeIssues } from "../contract";

const envSchema = z.object({
  SERVING_SIM_PORT: z.coerce.number().int().min(0).max(65_535).default(4010),
  SERVING_SIM_HOST: z.string().min(1).default("127.0.0.1"),
  SERVING_SIM_SECRET: z
    .string()
    .min(8, "must be at least 8 characters")
    .default("reversegate-demo-serving-secret"),
  SERVING_SIM_METRICS_URL: z.url({ protocol: /^https?$/ }).optional(),
  SERVING_SIM_METRICS_TOKEN: z.string().min(1).optional(),
  SERVING_SIM_METRICS_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  SERVING_SIM_CONSUMER_ACK_MS: z.coerce.number().int().min(0).max(600_000).default(300),
  SERVING_SIM_STATE_FILE: z.string().min(1).optional(),
});

export interface SimulatorEnv {
  port: number;
  host: string;
  secret: string;
  /** Unset: no metrics are pushed. */
  metricsUrl: string | undefined;
  metricsToken: string | undefined;
  metricsIntervalMs: number;
  consumerAckMs: number;
  /** Unset: state lives in memory only. */
  stateFile: string | undefined;
}

export function parseSimulatorEnv(source: Readonly<Record<string, string | undefined>>): SimulatorEnv {
  // An empty variable (`FOO=` in a .env file) means "unset", not "the empty string".
  const present = Object.fromEntries(
    Object.entries(source).filter(([key, value]) => key.startsWith("SERVING_SIM_") && value !== ""),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) throw new Error(`invalid simulator environment: ${describeIssues(parsed.error)}`);
  const env = parsed.data;
  return {
    port: env.SERVING_SIM_PORT,
    host: env.SERVING_SIM_HOST,
    secret: env.SERVING_SIM_SECRET,
    metricsUrl: env.SERVING_SIM_METRICS_URL,
    metricsToken: env.SERVING_SIM_METRICS_TOKEN,
    metricsIntervalMs: env.SERVING_SIM_METRICS_INTERVAL_MS,
    consumerAckMs: env.SERVING_SIM_CONSUMER_ACK_MS,
    stateFile: env.SERVING_SIM_STATE_FILE,
  };
}

export function loadSimulatorEnv(): SimulatorEnv {
  return parseSimulatorEnv(process.env);
}
