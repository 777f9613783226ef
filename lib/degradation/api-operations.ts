import type { ApiOperation } from "@/lib/api/openapi";
import { deploymentPathParams } from "@/lib/deployments/schemas";
import { degradationView, setDegradationBody, setDegradationResult } from "./schemas";

export const degradationOperations: readonly ApiOperation[] = [
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
    responses: { 200: { description: "The deployment's degradation", body: degradationView }, 404: { description: "No such deployment" } },
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
