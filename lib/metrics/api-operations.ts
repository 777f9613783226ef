import { z } from "zod";
import type { ApiOperation } from "@/lib/api/openapi";
import { TIMING_DEFINITIONS } from "@/lib/incidents/timings";
import { EVALUATION_RULES } from "./evaluator";
import { detectionsQuery, metricsBatchBody, policyQuery, seriesQueryFields } from "./api-schemas";
import { rollbackPolicySchema } from "./policy";

const deploymentParam = { deployment: z.string().describe("The deployment's slug, e.g. support-router") };

export const metricsOperations: readonly ApiOperation[] = [
  {
    id: "ingestMetrics",
    method: "post",
    path: "/api/v1/metrics",
    summary: "Ingest canary metric points",
    description:
      "Each point is checked on its own: good points are stored even when others are refused, and `rejected` names each refused point by index. A stored point is never replaced: one sent again with the same value and sampleCount is accepted and counted in `duplicates` (a retried batch stores nothing twice), one sent again for the same deployment, metric, version and ts with a different value or sampleCount is refused in `rejected` (`value: conflicts with the point stored …`, naming the stored value) and counted in neither `accepted` nor `duplicates`.",
    tag: "metrics",
    role: "OPERATOR",
    requestBody: metricsBatchBody,
    responses: { 200: { description: "`{accepted, duplicates, rejected: [{index, error}]}`: `duplicates` ≤ `accepted`; `accepted` + `rejected.length` = the number of points sent" } },
  },
  {
    id: "getRollbackPolicy",
    method: "get",
    path: "/api/v1/deployments/{deployment}/policy",
    summary: "The deployment's rollback policies, with the effective floor, its source and the last verdict",
    description: EVALUATION_RULES,
    tag: "metrics",
    role: "VIEWER",
    pathParams: deploymentParam,
    query: policyQuery,
    responses: { 200: { description: "`{policies: [...]}`" }, 404: { description: "No such deployment" } },
  },
  {
    id: "putRollbackPolicy",
    method: "put",
    path: "/api/v1/deployments/{deployment}/policy",
    summary: "Create or replace the rollback policy for one metric",
    description: EVALUATION_RULES,
    tag: "metrics",
    role: "APPROVER",
    pathParams: deploymentParam,
    requestBody: rollbackPolicySchema,
    responses: { 201: { description: "Created" }, 200: { description: "Replaced" }, 404: { description: "No such deployment" } },
  },
  {
    id: "testRollbackPolicy",
    method: "post",
    path: "/api/v1/deployments/{deployment}/policy/test",
    summary: "Run a policy against the live version now, without saving it: the series its source finds, the latest values and the verdict",
    description:
      "Changes nothing. The answer names the query as run (placeholders filled in), every series the source found over the window with its point count and latest value, the floor (or why there is none) and the verdict an evaluation would record now. An OPERATOR may use an environment credential only on a connection a saved policy of the deployment already uses.",
    tag: "metrics",
    role: "OPERATOR",
    pathParams: deploymentParam,
    requestBody: rollbackPolicySchema,
    responses: {
      200: { description: "`{version, query, window, series: [{labels, points, withoutValue, latest}], seriesError, floor, floorUnavailable, verdict, summary, stats}`" },
      404: { description: "No such deployment" },
    },
  },
  {
    id: "getSeries",
    method: "get",
    path: "/api/v1/deployments/{deployment}/series",
    summary: "The canary chart's series: live and prior versions downsampled on the server, the floor, breaches and markers",
    tag: "metrics",
    role: "VIEWER",
    pathParams: deploymentParam,
    query: seriesQueryFields,
    responses: { 200: { description: "At most `maxPoints` points per series" }, 304: { description: "Unchanged: the ETag sent as If-None-Match is still current (answers carry ETag and Cache-Control: private, no-cache)" }, 404: { description: "No such deployment" } },
  },
  {
    id: "listDetections",
    method: "get",
    path: "/api/v1/deployments/{deployment}/detections",
    summary: "Sustained-breach detections with regressionStartedAt, detectedAt and timeToDetectMs",
    tag: "metrics",
    role: "VIEWER",
    pathParams: deploymentParam,
    query: detectionsQuery,
    responses: { 200: { description: "`{detections: [...]}`, newest first" }, 404: { description: "No such deployment" } },
  },
  {
    id: "getDetection",
    method: "get",
    path: "/api/v1/detections/{id}",
    summary: "One detection: its window statistics, evidence, floor and its source, and the rollbacks and postmortem it led to",
    description: `timeToDetectMs: ${TIMING_DEFINITIONS.timeToDetectMs}`,
    tag: "metrics",
    role: "VIEWER",
    pathParams: { id: z.string().describe("The detection's id") },
    responses: { 200: { description: "The detection, with `links` to its page, rollbacks and postmortem" }, 404: { description: "No such detection" } },
  },
];
