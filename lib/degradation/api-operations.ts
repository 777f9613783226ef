import type { ApiOperation } from "@/lib/api/openapi";
import { deploymentPathParams } from "@/lib/deployments/schemas";
import { readinessReport } from "@/lib/rehearsals/readiness-report-schema";
import { degradationView, setDegradationBody, setDegradationResult } from "./schemas";

// Issue 13's routes: graduated degradation, and readiness measured against the rollback SLO.
export const degradationOperations: readonly ApiOperation[] = [
  {
    id: "getReadiness",
    method: "get",
    path: "/api/v1/deployments/{deployment}/readiness",
    summary: "Rollback readiness: the SLO, the measured indicators with their history, and the verdict",
    description:
      "The verdict is the rehearsal readiness with the rollback SLO applied: red when the last rehearsal's time to roll back (its back leg) missed the target, amber above 80 % of it, with the reason. Indicators: consumer-acknowledgement latency per consumer (p50/p95, the slowest) on every invalidation; manifest reachability at each rehearsal (the prior's vector index snapshot and memory checkpoint answered the backend's preflight); agent-memory divergence (the serving plane's checkpoint taken under a version other than the live one, and for how long).",
    tag: "rehearsals",
    role: "VIEWER",
    pathParams: deploymentPathParams,
    responses: { 200: { description: "The readiness report", body: readinessReport }, 404: { description: "No such deployment" } },
  },
  {
    id: "getDegradation",
    method: "get",
    path: "/api/v1/deployments/{deployment}/degradation",
    summary: "The level the deployment is served at, who set it and why, the levels its backend offers, and the history",
    description:
      "Levels: normal → reduced (optional capabilities off) → fallback (a named fallback answers) → off (a fixed response); what each means comes from the serving backend. `serving` is what the serving plane reports now (asked once, without retries). A backend that cannot degrade answers `supported: false` and no levels.",
    tag: "deployments",
    role: "VIEWER",
    pathParams: deploymentPathParams,
    responses: { 200: { description: "The deployment's degradation", body: degradationView }, 304: { description: "Unchanged: the ETag sent as If-None-Match is still current (answers carry ETag and Cache-Control: private, no-cache)" }, 404: { description: "No such deployment" } },
  },
  {
    id: "setDegradation",
    method: "put",
    path: "/api/v1/deployments/{deployment}/degradation",
    summary: "Serve the deployment at a degradation level, at once (no approver)",
    description:
      "The move made while deciding on a rollback: immediate, audited, and recorded in the history. Send an `Idempotency-Key` header to make a retry safe (the same key answers the first outcome). The change is recorded before the serving plane is called and settled after; when the plane fails, the answer is 503 and the recorded level is whatever the plane then reports.",
    tag: "deployments",
    role: "OPERATOR",
    pathParams: deploymentPathParams,
    requestBody: setDegradationBody,
    responses: {
      200: { description: "Applied (or replayed by Idempotency-Key)", body: setDegradationResult },
      404: { description: "No such deployment" },
      409: { description: "The backend cannot degrade, or another level change is in flight" },
      503: { description: "The serving plane did not apply it; the message says what it reports now" },
    },
  },
];
