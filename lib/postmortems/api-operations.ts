import { z } from "zod";
import type { ApiOperation } from "@/lib/api/openapi";
import { incidentTimingFields } from "@/lib/incidents/schemas";
import { gateAdditionQuery, postmortemFieldsInput, postmortemQuery } from "./schemas";

const durations = z.object(incidentTimingFields);

const postmortemBody = z.object({ id: z.string(), status: z.string(), durations, links: z.record(z.string(), z.string().nullable()) }).loose();

const rehearsalView = z.object({
  id: z.string(),
  status: z.enum(["RUNNING", "PASSED", "FAILED", "REFUSED"]),
  deployment: z.string(),
  trigger: z.enum(["SCHEDULED", "MANUAL"]),
  priorReachable: z.boolean().nullable(),
  trafficShifted: z.boolean().nullable(),
  consumersAcknowledged: z.boolean().nullable(),
  backLegMs: z.number().nullable(),
  forwardLegMs: z.number().nullable(),
  failureReason: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  operationId: z.string().nullable(),
  liveVersion: z.string().nullable().describe("The live version the rehearsal rolled back from (and forward to again)"),
  priorVersion: z.string().nullable().describe("The prior version it rolled back to: a pass proves the way back only for this pair"),
});

/** The postmortem, gate-addition and rehearsal routes, for the OpenAPI document. */
export const postmortemOperations: readonly ApiOperation[] = [
  {
    id: "listPostmortems",
    method: "get",
    path: "/api/v1/postmortems",
    summary: "Postmortems, newest incident first, with durations computed from their timestamps",
    tag: "postmortems",
    role: "VIEWER",
    query: postmortemQuery,
    responses: { 200: { description: "`{postmortems: [...]}`, each with `durations` and `links`" } },
  },
  {
    id: "getPostmortem",
    method: "get",
    path: "/api/v1/postmortems/{id}",
    summary: "One postmortem: fields, timestamps, computed durations, timeline, gate addition, action items and links",
    tag: "postmortems",
    role: "VIEWER",
    responses: { 200: { description: "The postmortem", body: postmortemBody }, 404: { description: "No such postmortem" } },
  },
  {
    id: "updatePostmortem",
    method: "patch",
    path: "/api/v1/postmortems/{id}",
    summary: "Edit what the review form edits: the narrative, the missed check (the gap) and the proposed gate addition",
    description:
      "Only the fields given change; the editor becomes an author and the change is audited (`postmortem.updated`). The same rules as the form: an APPROVED or CLOSED postmortem's content is final (409), a gate addition past PROPOSED keeps its description and suite (409), and a suite needs a description.",
    tag: "postmortems",
    role: "OPERATOR",
    pathParams: { id: z.string().describe("The postmortem's id") },
    requestBody: postmortemFieldsInput,
    responses: {
      200: { description: "The fields that changed and the postmortem as it is now", body: z.object({ changed: z.array(z.string()), postmortem: postmortemBody }) },
      404: { description: "No such postmortem" },
      409: { description: "Approved or closed, or the gate addition is no longer only proposed" },
    },
  },
  {
    id: "listGateAdditions",
    method: "get",
    path: "/api/v1/gate-additions",
    summary: "Every gate addition with the incident behind it, for the promotion pipeline",
    tag: "postmortems",
    role: "VIEWER",
    query: gateAdditionQuery,
    responses: { 200: { description: "`{gateAdditions: [{description, suite, status, incident, links}]}`" } },
  },
  {
    id: "startRehearsal",
    method: "post",
    path: "/api/v1/deployments/{deployment}/rehearsals",
    summary: "Rehearse the way back now: roll back to the prior pinned version and forward again",
    tag: "rehearsals",
    role: "OPERATOR",
    responses: {
      201: { description: "Started", body: z.object({ id: z.string(), status: z.literal("RUNNING") }) },
      404: { description: "No such deployment" },
      409: { description: "Refused (open detection, rollback in flight, canary below its floor, …); recorded as a REFUSED rehearsal, `rehearsalId` and `reason` in the body" },
    },
  },
  {
    id: "listDeploymentRehearsals",
    method: "get",
    path: "/api/v1/deployments/{deployment}/rehearsals",
    summary: "A deployment's rehearsals, newest first",
    tag: "rehearsals",
    role: "VIEWER",
    responses: { 200: { description: "`{rehearsals: [...]}`", body: z.object({ rehearsals: z.array(rehearsalView) }) }, 404: { description: "No such deployment" } },
  },
  {
    id: "getRehearsal",
    method: "get",
    path: "/api/v1/rehearsals/{id}",
    summary: "One rehearsal and what it proved",
    tag: "rehearsals",
    role: "VIEWER",
    responses: { 200: { description: "The rehearsal", body: rehearsalView }, 404: { description: "No such rehearsal" } },
  },
];
