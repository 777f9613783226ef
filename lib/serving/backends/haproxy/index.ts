import { z } from "zod";
import { defineServingBackend } from "../../registry";
import { retryPolicyFrom } from "../retry";
import { versionNames, versionNamesSchema } from "../version-names";
import { createHaproxyServingAdapter, haproxyCapabilities } from "./adapter";
import { parseStatsSocket } from "./runtime-api";

// `haproxy`: an HAProxy backend with one server per pinned version; traffic moves by the servers'
// weights over the Runtime API (adapter.ts says what "pinned" and "revision" mean there).

// HAProxy's proxy and server names: letters, digits and - _ . : (haproxy.cfg refuses anything else).
const haproxyName = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, "letters, digits and - _ . : only, as haproxy.cfg allows");

const configSchema = z.strictObject({
  socket: z
    .string()
    .refine((value) => parseStatsSocket(value) !== null, {
      error: "expected the stats socket as haproxy.cfg names it: a unix path (/run/haproxy/admin.sock) or host:port (ipv4@127.0.0.1:9999)",
    })
    .describe("HAProxy's stats socket with `level admin`: a unix socket path or a TCP host:port"),
  backend: haproxyName.describe("The HAProxy backend that serves this deployment"),
  servers: versionNamesSchema(haproxyName, "model-{version}")
    .default("{version}")
    .describe('Which server serves which version: a map {"v13": "srv13"} or a pattern such as "model-{version}" (default "{version}")'),
  sticky: z
    .boolean()
    .default(false)
    .describe("Declare true when haproxy.cfg keeps each session on one server (a stick table or cookie); the runtime API cannot switch it on"),
});

export const haproxyBackend = defineServingBackend({
  kind: "haproxy",
  label: "HAProxy Runtime API",
  configSchema,
  create(config, deps) {
    return createHaproxyServingAdapter({
      // The schema refused anything parseStatsSocket cannot read.
      socket: parseStatsSocket(config.socket)!,
      backend: config.backend,
      servers: versionNames(config.servers),
      sticky: config.sticky,
      retry: retryPolicyFrom(deps),
    });
  },
  describe: (config) => ({ target: `backend ${config.backend} via ${config.socket}`, capabilities: haproxyCapabilities(config.sticky) }),
});
