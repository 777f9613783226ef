import { apiRoute } from "@/lib/api/route";

export const GET = apiRoute({ role: "VIEWER" }, async ({ actor }) => ({ name: actor.name, role: actor.role, type: actor.type }));
