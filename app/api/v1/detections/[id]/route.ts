import { apiRoute } from "@/lib/api/route";
import { getDetection } from "@/lib/metrics/detections";

/** `GET /api/v1/detections/{id}`: one detection, its evidence, and the rollback and postmortem it led to. */
export const GET = apiRoute<undefined, { id: string }>({ role: "VIEWER" }, async ({ params }) => getDetection(params.id));
