import { describe, expect, it } from "vitest";
import { parseSimulatorEnv } from "./env";

describe("simulator environment", () => {
  it("has demo defaults", () => {
    expect(parseSimulatorEnv({})).toEqual({
      port: 4010,
      host: "127.0.0.1",
      secret: "reversegate-demo-serving-secret",
      metricsUrl: undefined,
      metricsToken: undefined,
      metricsIntervalMs: 10_000,
      consumerAckMs: 300,
      stateFile: undefined,
    });
  });

  it("reads every variable, and treats empty ones as unset", () => {
    expect(
      parseSimulatorEnv({
        SERVING_SIM_PORT: "0",
        SERVING_SIM_HOST: "0.0.0.0",
        SERVING_SIM_SECRET: "a-much-longer-shared-secret",
        SERVING_SIM_METRICS_URL: "http://127.0.0.1:3000/api/v1/metrics",
        SERVING_SIM_METRICS_TOKEN: "token",
        SERVING_SIM_METRICS_INTERVAL_MS: "250",
        SERVING_SIM_CONSUMER_ACK_MS: "",
        SERVING_SIM_STATE_FILE: ".data/serving-sim.json",
      }),
    ).toEqual({
      port: 0,
      host: "0.0.0.0",
      secret: "a-much-longer-shared-secret",
      metricsUrl: "http://127.0.0.1:3000/api/v1/metrics",
      metricsToken: "token",
      metricsIntervalMs: 250,
      consumerAckMs: 300,
      stateFile: ".data/serving-sim.json",
    });
  });

  it("names the variable that is wrong", () => {
    expect(() => parseSimulatorEnv({ SERVING_SIM_PORT: "70000" })).toThrow(/SERVING_SIM_PORT/);
    expect(() => parseSimulatorEnv({ SERVING_SIM_METRICS_URL: "ftp://example" })).toThrow(/SERVING_SIM_METRICS_URL/);
    expect(() => parseSimulatorEnv({ SERVING_SIM_SECRET: "short" })).toThrow(/SERVING_SIM_SECRET: must be at least 8/);
  });
});
