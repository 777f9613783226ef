import { apiRoute, parseQuery } from "@/lib/api/route";
import { listPostmortems } from "@/lib/postmortems/list-postmortems";
import { postmortemQuery } from "@/lib/postmortems/schemas";

export const GET = apiRoute({ role: "VIEWER" }, async ({ url }) => {
  const filter = parseQuery(url, postmortemQuery);
  const rows = await listPostmortems(filter);
  return {
    postmortems: rows.map((pm) => ({
      ...pm,
      completedAt: pm.completedAt?.toISOString() ?? null,
      createdAt: pm.createdAt.toISOString(),
    })),
  };
});
