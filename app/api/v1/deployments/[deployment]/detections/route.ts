import { z } from "zod";
import { apiRoute, parseQuery } from "@/lib/api/route";
import { listDetections } from "@/lib/metrics/detections";

const querySchema = z.object({
  metric: z.string().min(1, "metric must not be empty").optional(),
  limit: z.coerce.number({ error: "limit must be a number" }).int("limit must be an integer").min(1, "limit must be at least 1").max(500, "limit must be at most 500").default(50),
});

/** `GET …/detections`: sustained-breach verdicts, newest first, with time to detect. */
export const GET = apiRoute<undefined, { deployment: string }>({ role: "VIEWER" }, async ({ params, url }) => {
  const query = parseQuery(url, querySchema);
  return { detections: await listDetections(params.deployment, query) };
});
