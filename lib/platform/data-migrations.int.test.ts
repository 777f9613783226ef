// Migrations that move existing rows: each is applied to a database holding rows in the shape
// before it, and what those rows became is checked.
import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withDatabase } from "./embedded-postgres";
import { ensureDatabase } from "./migrate";

const FOLDERS = readdirSync("prisma/migrations", { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

let client: pg.Client;

/** Runs every migration script from the first through the one before `name`, or through `name` itself. */
async function migrate(options: { before: string } | { through: string }): Promise<void> {
  const stop = "before" in options ? options.before : options.through;
  const last = FOLDERS.indexOf(stop);
  if (last < 0) throw new Error(`no migration ${stop}`);
  const applied = (await client.query<{ name: string }>("SELECT name FROM applied")).rows.map((row) => row.name);
  for (const folder of FOLDERS.slice(0, "before" in options ? last : last + 1)) {
    if (applied.includes(folder)) continue;
    await client.query(readFileSync(`prisma/migrations/${folder}/migration.sql`, "utf8"));
    await client.query("INSERT INTO applied (name) VALUES ($1)", [folder]);
  }
}

beforeAll(async () => {
  const url = withDatabase(process.env.DATABASE_URL!, `rg_data_migrations_${Date.now().toString(36)}`);
  await ensureDatabase(url);
  client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("CREATE TABLE applied (name text PRIMARY KEY)");
});

afterAll(async () => {
  await client?.end();
});

describe("20261201100000_serving_backend_kind", () => {
  it("turns each deployment's base URL into an http backend with the shared secret's name", async () => {
    await migrate({ before: "20261201100000_serving_backend_kind" });
    await client.query(`INSERT INTO "Model" (slug, name) VALUES ('m', 'm')`);
    await client.query(
      `INSERT INTO "Deployment" (slug, "modelId", "servingBaseUrl", "updatedAt") SELECT 'dep-a', id, 'http://serving.internal:8080', now() FROM "Model"`,
    );
    await migrate({ through: "20261201100000_serving_backend_kind" });
    const { rows } = await client.query(`SELECT "servingKind", "servingConfig" FROM "Deployment" WHERE slug = 'dep-a'`);
    expect(rows).toEqual([{ servingKind: "http", servingConfig: { baseUrl: "http://serving.internal:8080", secretEnv: "SERVING_SECRET" } }]);
  });
});
