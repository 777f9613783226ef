import { z } from "zod";
import { secretEnvName } from "@/lib/plugins/kind-registry";
import { ALL_CAPABILITIES, servingCapabilitiesSchema } from "../../capabilities";
import { misconfiguredAdapter } from "../../port";
import { defineServingBackend } from "../../registry";
import { createHttpServingAdapter } from "./adapter";

// `http`: any serving plane that implements the Serving Control API
// (lib/serving/serving-control-api.openapi.json), the simulator among them. Requests are signed
// with the HMAC secret held in the environment variable `secretEnv` names.

const configSchema = z.strictObject({
  baseUrl: z.url({ protocol: /^https?$/, error: "expected an http(s) URL such as http://127.0.0.1:4010" }).describe("The serving plane's base URL"),
  secretEnv: secretEnvName.default("SERVING_SECRET").describe("The environment variable holding the HMAC secret shared with the serving plane"),
  capabilities: servingCapabilitiesSchema
    .partial()
    .optional()
    .describe("What this plane does not support, when it implements only part of the API (default: everything)"),
});

export const httpBackend = defineServingBackend({
  kind: "http",
  label: "Serving Control API over HTTP",
  configSchema,
  create(config, deps) {
    const capabilities = { ...ALL_CAPABILITIES, ...config.capabilities };
    const secret = deps.secret(config.secretEnv);
    if (!secret) return misconfiguredAdapter(capabilities, `the environment variable ${config.secretEnv} (secretEnv) is not set`);
    return createHttpServingAdapter({
      baseUrl: config.baseUrl,
      secret,
      timeoutMs: deps.timeoutMs,
      retries: deps.retries,
      backoffBaseMs: deps.backoffMs,
      capabilities,
    });
  },
  describe: (config) => ({ target: config.baseUrl, capabilities: { ...ALL_CAPABILITIES, ...config.capabilities } }),
});
