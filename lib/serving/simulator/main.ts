// Serving simulator: a stand-in serving plane for demos and tests.
//   tsx lib/serving/simulator/main.ts
//
// It implements the Serving Control API (../serving-control-api.openapi.json) in memory, for any
// deployment name (created on its first pin), pushes canary_accuracy points to
// SERVING_SIM_METRICS_URL, and simulates agent consumers that acknowledge invalidations.
// Configuration: environment variables, see ./env.ts. Prints
//   serving simulator listening on http://HOST:PORT
// once ready (with the real port when SERVING_SIM_PORT=0).
//
// Test controls — unsigned, outside the Serving Control API, never part of a real serving plane:
//   PUT    /sim/faults   {deployment?, failNextRequests?, errorRate?, latencyMs?, hang?,
//                         refuseVersions?, silentConsumers?}
//            Replaces the fault rule for that scope (one deployment, or every request when
//            `deployment` is omitted). failNextRequests: the next n control requests answer 503.
//            errorRate: that share of control requests answer 503. latencyMs: answers are held
//            back that long (the change is applied at once). hang: requests are accepted and never
//            answered. refuseVersions: pin/traffic to these versions answer 422 version_refused.
//            silentConsumers: these consumers never acknowledge invalidations.
//            unreachableArtifacts: vector index snapshots / memory checkpoints (by ref) that
//            POST /v1/deployments/{d}/preflight reports as not answering.
//   DELETE /sim/faults                     Clears every fault rule.
//   PUT    /sim/deployments/{d}/profile    {versions: {v14: 0.81, ...}}  Mean canary accuracy per
//            version (replaces the deployment's profile; unlisted versions score 0.90).
//   PUT    /sim/deployments/{d}/consumers  {ids: [...], ackDelaysMs?: {id: ms}}  The deployment's
//            consumers (before or after its first pin); defaults to triage-agent, reply-drafter,
//            escalation-agent. Each acknowledges an invalidation after its own delay (default
//            SERVING_SIM_CONSUMER_ACK_MS).
//
// Degradation: PUT /v1/deployments/{d}/degradation serves the deployment at a level. The canary
// metric follows it: at `fallback` the prior version (the one pinned before) answers, so points
// for the live version carry the prior's accuracy; `reduced` recovers half that gap; `off` is a
// fixed response and pushes no points.
//   GET    /sim/requests                   {requests: [{seq, method, path, at, status, replayed}]}
//            The control requests received, so a test can count attempts; `replayed` marks an
//            answer served from the Idempotency-Key cache without applying anything again.
//   DELETE /sim/requests                   Clears that log.
//   DELETE /sim/reset                      Back to a fresh simulator (built-in demo profiles).
import { loadSimulatorEnv } from "./env";
import { startSimulator } from "./server";

const log = (line: string) => console.error(`[serving-sim] ${line}`);

async function main(): Promise<void> {
  const env = loadSimulatorEnv();
  const simulator = await startSimulator(env, log);
  console.log(`serving simulator listening on ${simulator.url}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received, shutting down`);
    simulator.close().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        log(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 1;
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  log(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
