import { apiRoute, parseQuery } from "@/lib/api/route";
import { listGateAdditions } from "@/lib/postmortems/list-postmortems";
import { gateAdditionQuery } from "@/lib/postmortems/schemas";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** What the promotion pipeline must check: every gate addition with the incident behind it. */
export const GET = apiRoute({ role: "VIEWER" }, async ({ url }) => {
  const rows = await listGateAdditions(parseQuery(url, gateAdditionQuery));
  return {
    gateAdditions: rows.map((g) => ({
      ...g,
      implementedAt: iso(g.implementedAt),
      enforcedAt: iso(g.enforcedAt),
      createdAt: g.createdAt.toISOString(),
      incident: { ...g.incident, rolledBackAt: iso(g.incident.rolledBackAt) },
    })),
  };
});
