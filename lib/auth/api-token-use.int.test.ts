import pg from "pg";
import { describe, expect, it } from "vitest";
import { GET as me } from "@/app/api/v1/me/route";
import { db } from "@/lib/db";
import { makeToken } from "@/lib/testing/factories";
import { apiRequest, params } from "@/lib/testing/http";
import { integrationDatabase } from "@/lib/testing/integration-database";

const ask = (token: string) => me(apiRequest("/api/v1/me", { token }), params({}));

describe("recording a token's last use", () => {
  it("records it, and never holds a request while another request is recording it", async () => {
    const { token } = await makeToken("VIEWER");
    expect((await ask(token)).status).toBe(200);
    const row = await db().apiToken.findFirstOrThrow({ where: { lastUsedAt: { not: null } }, orderBy: { lastUsedAt: "desc" } });
    expect(Date.now() - row.lastUsedAt!.getTime()).toBeLessThan(60_000);

    // A minute later, another request is recording the use and has not committed.
    await db().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(Date.now() - 120_000) } });
    const other = new pg.Client({ connectionString: integrationDatabase().ownerUrl });
    await other.connect();
    try {
      await other.query("BEGIN");
      await other.query(`SELECT 1 FROM "ApiToken" WHERE id = $1 FOR UPDATE`, [row.id]);
      const outcome = await Promise.race([ask(token).then((response) => response.status), new Promise((resolve) => setTimeout(resolve, 3_000, "still waiting"))]);
      expect(outcome).toBe(200);
    } finally {
      await other.query("ROLLBACK").catch(() => undefined);
      await other.end();
    }
  });
});
