import { z } from "zod";
import { apiRoute } from "@/lib/api/route";
import { ingestPoints } from "@/lib/metrics/ingest";
import { MAX_POINTS_PER_REQUEST } from "@/lib/metrics/point-check";

// Points are checked one by one in ingestPoints so that one bad point refuses only itself.
const batchSchema = z.object({
  points: z
    .array(z.unknown(), { error: "points must be an array of points" })
    .min(1, "points must hold at least one point")
    .max(MAX_POINTS_PER_REQUEST, `points may hold at most ${MAX_POINTS_PER_REQUEST} points a request; split the batch`),
});

/** `POST /api/v1/metrics`: canary points from collectors (OPERATOR tokens). */
export const POST = apiRoute(
  { role: "OPERATOR", body: batchSchema, maxBodyBytes: 8 * 1024 * 1024 },
  async ({ body }) => ingestPoints(body.points),
);
