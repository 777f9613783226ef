// Migrations that move existing rows: each is applied to a database holding rows in the shape
// before it, and what those rows became is checked.
import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { integrationDatabase } from "@/lib/testing/integration-database";
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
  const url = withDatabase(integrationDatabase().ownerUrl, `rg_data_migrations_${Date.now().toString(36)}`);
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

describe("20261201100100_rollback_plan", () => {
  it("makes each deployment's oldest policy its rollback plan, and drops the settings from policies", async () => {
    await migrate({ before: "20261201100100_rollback_plan" });
    const insertDeployment = async (slug: string) =>
      (
        await client.query<{ id: number }>(
          `INSERT INTO "Deployment" (slug, "modelId", "servingKind", "servingConfig", "updatedAt") SELECT $1, id, 'http', '{"baseUrl": "http://x"}', now() FROM "Model" LIMIT 1 RETURNING id`,
          [slug],
        )
      ).rows[0]!.id;
    const withPolicies = await insertDeployment("dep-plan");
    const withoutPolicies = await insertDeployment("dep-no-plan");
    const policy = (metric: string, createdAt: string, settings: [string, string, number, boolean, boolean]) =>
      client.query(
        `INSERT INTO "RollbackPolicy" (id, "deploymentId", metric, direction, "floorMode", "floorValue", "windowSeconds", "evaluationIntervalSeconds", "minSamples", action, "createdAt", "updatedAt",
                                       "rollbackMode", "rampStages", "rampDwellSeconds", "requireDistinctApprover", "blockOnUnacknowledged")
         VALUES ($1, $2, $3, 'HIGHER_IS_BETTER', 'EXPLICIT', 0.9, 600, 60, 5, 'NOTIFY', $4, now(), $5, $6, $7, $8, $9)`,
        [`p-${metric}`, withPolicies, metric, createdAt, ...settings],
      );
    await policy("latency", "2026-11-02T00:00:00Z", ["RAMP", "[5, 100]", 30, true, false]);
    // The oldest policy decided how the deployment rolled back; it becomes the plan.
    await policy("accuracy", "2026-11-01T00:00:00Z", ["INSTANT", "[20, 100]", 120, false, true]);

    await migrate({ through: "20261201100100_rollback_plan" });
    const plans = await client.query(`SELECT "deploymentId", mode, "rampStages", "rampDwellSeconds", "requireDistinctApprover", "blockOnUnacknowledged" FROM "RollbackPlan"`);
    expect(plans.rows).toEqual([
      { deploymentId: withPolicies, mode: "INSTANT", rampStages: [20, 100], rampDwellSeconds: 120, requireDistinctApprover: false, blockOnUnacknowledged: true },
    ]);
    expect(plans.rows.some((row) => row.deploymentId === withoutPolicies)).toBe(false);
    const columns = await client.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'RollbackPolicy' AND column_name IN ('rollbackMode', 'rampStages')`);
    expect(columns.rows).toEqual([]);
  });
});

describe("20261202000000_metric_partitions", () => {
  it("moves every point and rollup into day partitions, and folds the five-minute rollups into hourly ones", async () => {
    await migrate({ before: "20261202000000_metric_partitions" });
    const points = [
      ["2026-10-20T10:00:10.000Z", 0.91, 3],
      ["2026-10-20T10:05:20.000Z", 0.5, 4],
      ["2026-10-20T10:55:00.000Z", 0.97, 5],
      ["2026-11-30T23:59:59.999Z", 0.8, 1],
    ] as const;
    for (const [ts, value, count] of points) {
      await client.query(`INSERT INTO "MetricPoint" ("deploymentId", metric, "versionId", ts, value, "sampleCount") VALUES (1, 'm', 2, $1, $2, $3)`, [ts, value, count]);
    }
    await client.query(`
      INSERT INTO "MetricRollup" SELECT "deploymentId", metric, "versionId", to_timestamp(floor(extract(epoch FROM ts) / 300) * 300), ts, value, "sampleCount", ts, value, "sampleCount", 1 FROM "MetricPoint"`);

    await migrate({ through: "20261202000000_metric_partitions" });
    const stored = await client.query(`SELECT ts, value, "sampleCount" FROM "MetricPoint" ORDER BY ts`);
    expect(stored.rows.map((r) => [r.ts.toISOString(), r.value, r.sampleCount])).toEqual(points);
    expect((await client.query(`SELECT count(*)::int AS n FROM "MetricRollup"`)).rows[0].n).toBe(4);
    const hourly = await client.query(`SELECT "bucketStart", "minTs", "minValue", "minCount", "maxTs", "maxValue", "maxCount", points FROM "MetricRollupHourly" ORDER BY "bucketStart"`);
    expect(hourly.rows.map((r) => [r.bucketStart.toISOString(), r.minTs.toISOString(), r.minValue, r.minCount, r.maxTs.toISOString(), r.maxValue, r.maxCount, r.points])).toEqual([
      ["2026-10-20T10:00:00.000Z", "2026-10-20T10:05:20.000Z", 0.5, 4, "2026-10-20T10:55:00.000Z", 0.97, 5, 3],
      ["2026-11-30T23:00:00.000Z", "2026-11-30T23:59:59.999Z", 0.8, 1, "2026-11-30T23:59:59.999Z", 0.8, 1, 1],
    ]);
    const partitions = await client.query(`SELECT relname FROM pg_class WHERE relkind = 'r' AND (relname LIKE 'MetricPoint\\_2026102%' OR relname LIKE 'MetricPoint\\_2026113%') ORDER BY relname`);
    expect(partitions.rows.map((r) => r.relname)).toEqual(["MetricPoint_20261020", "MetricPoint_20261130"]);
  });
});

describe("20261203000000_metric_rollup_minute", () => {
  it("rolls every stored point up into one-minute rollups, in day partitions, and retention drops them with the rest", async () => {
    await migrate({ before: "20261203000000_metric_rollup_minute" });
    // A series of its own: the database still holds the rows of the migration tests above.
    const points = [
      ["2026-10-20T10:00:10.000Z", 0.91, 3],
      ["2026-10-20T10:00:40.000Z", 0.5, 4],
      ["2026-10-20T10:00:50.000Z", 0.5, 6],
      ["2026-10-20T10:01:00.000Z", 0.97, 5],
      ["2026-11-30T23:59:59.999Z", 0.8, 1],
    ] as const;
    for (const [ts, value, count] of points) {
      await client.query(`INSERT INTO "MetricPoint" ("deploymentId", metric, "versionId", ts, value, "sampleCount") VALUES (3, 'm', 4, $1, $2, $3)`, [ts, value, count]);
    }

    await migrate({ through: "20261203000000_metric_rollup_minute" });
    const minute = await client.query(`SELECT "bucketStart", "minTs", "minValue", "minCount", "maxTs", "maxValue", "maxCount", points FROM "MetricRollupMinute" WHERE "deploymentId" = 3 ORDER BY "bucketStart"`);
    expect(minute.rows.map((r) => [r.bucketStart.toISOString(), r.minTs.toISOString(), r.minValue, r.minCount, r.maxTs.toISOString(), r.maxValue, r.maxCount, r.points])).toEqual([
      ["2026-10-20T10:00:00.000Z", "2026-10-20T10:00:40.000Z", 0.5, 4, "2026-10-20T10:00:10.000Z", 0.91, 3, 3],
      ["2026-10-20T10:01:00.000Z", "2026-10-20T10:01:00.000Z", 0.97, 5, "2026-10-20T10:01:00.000Z", 0.97, 5, 1],
      ["2026-11-30T23:59:00.000Z", "2026-11-30T23:59:59.999Z", 0.8, 1, "2026-11-30T23:59:59.999Z", 0.8, 1, 1],
    ]);
    const partitions = await client.query(`SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE 'MetricRollupMinute\\_202610%' ORDER BY relname`);
    expect(partitions.rows.map((r) => r.relname)).toEqual(["MetricRollupMinute_20261020"]);

    await client.query(`SELECT "drop_metric_partitions_before"('2026-11-01T00:00:00Z')`);
    const left = await client.query(`SELECT count(*)::int AS n FROM "MetricRollupMinute" WHERE "deploymentId" = 3`);
    expect(left.rows[0].n).toBe(1);
  });
});
