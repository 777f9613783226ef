import { apiRoute, parseQuery } from "@/lib/api/route";
import { detectionsQuery } from "@/lib/metrics/api-schemas";
import { listDetections } from "@/lib/metrics/detections";

/** `GET …/detections`: sustained-breach verdicts, newest first, with time to detect. */
export const GET = apiRoute<undefined, { deployment: string }>({ role: "VIEWER" }, async ({ params, url }) => {
  const query = parseQuery(url, detectionsQuery);
  return { detections: await listDetections(params.deployment, query) };
});
