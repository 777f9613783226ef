import { apiRoute } from "@/lib/api/route";
import { metricsBatchBody } from "@/lib/metrics/api-schemas";
import { ingestPoints } from "@/lib/metrics/ingest";

/** `POST /api/v1/metrics`: canary points from collectors (OPERATOR tokens). */
export const POST = apiRoute(
  { role: "OPERATOR", body: metricsBatchBody, maxBodyBytes: 8 * 1024 * 1024 },
  async ({ body }) => ingestPoints(body.points),
);
