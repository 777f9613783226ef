// The live side of the demo: canary accuracy per version with traffic, pushed to Reversegate's
// metrics endpoint the way a real serving plane's eval sidecar would.
import { servedAccuracy, type SimulatorState } from "./state";

/** Requests the simulator pretends a deployment served per interval, split by traffic share. */
export const REQUESTS_PER_INTERVAL = 200;
const NOISE = 0.01;

export interface MetricPoint {
  deployment: string;
  version: string;
  metric: "canary_accuracy";
  ts: string;
  value: number;
  sampleCount: number;
}

export function buildMetricPoints(state: SimulatorState, nowMs: number, random: () => number): MetricPoint[] {
  const ts = new Date(nowMs).toISOString();
  return [...state.deployments.values()].flatMap((deployment) =>
    deployment.traffic
      .filter((weight) => weight.percent > 0)
      .flatMap((weight) => {
        // Points stay under the version the traffic was meant for: its canary shows what users got.
        const served = servedAccuracy(state, deployment, weight.version);
        if (served === null) return [];
        const noisy = served + (random() * 2 - 1) * NOISE;
        return {
          deployment: deployment.name,
          version: weight.version,
          metric: "canary_accuracy" as const,
          ts,
          value: Math.round(Math.min(1, Math.max(0, noisy)) * 10_000) / 10_000,
          sampleCount: Math.round((REQUESTS_PER_INTERVAL * weight.percent) / 100),
        };
      }),
  );
}

export interface MetricsPusherOptions {
  url: string;
  token: string | undefined;
  intervalMs: number;
  points: () => MetricPoint[];
  log: (line: string) => void;
}

/**
 * Pushes every interval until stopped. A failing endpoint never stops the loop; it is logged once
 * when a failure streak starts and once when it ends, not on every tick.
 */
export function startMetricsPusher(options: MetricsPusherOptions): { stop: () => void } {
  let failing = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  async function pushOnce(): Promise<void> {
    const points = options.points();
    if (points.length === 0) return;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    try {
      const response = await fetch(options.url, {
        method: "POST",
        headers,
        body: JSON.stringify({ points }),
        signal: AbortSignal.timeout(Math.min(options.intervalMs, 5_000)),
      });
      // Drain the body so the connection can be reused.
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`answered ${response.status}`);
      if (failing) options.log(`metrics push to ${options.url} recovered`);
      failing = false;
    } catch (error) {
      if (!failing) {
        const reason =
          error instanceof Error
            ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ""}`
            : String(error);
        options.log(
          `metrics push to ${options.url} failed (${reason}); will keep trying every ${options.intervalMs} ms`,
        );
      }
      failing = true;
    }
  }

  // Chained timeouts rather than setInterval, so a slow endpoint never gets overlapping pushes.
  const schedule = () => {
    timer = setTimeout(() => {
      void pushOnce().then(() => {
        if (!stopped) schedule();
      });
    }, options.intervalMs);
  };
  schedule();

  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
