// `npm run bench:big-database`: the pages and API answers people open most, on the production
// server over a database the size of a real fleet: 100 deployments, 10,000 versions (100 per
// deployment, each promoted once), 10,000,000 metric points (two versions of each deployment,
// 10-second points over the last 5.8 days) with their rollups. Everything is generated in SQL
// (generate_series), not through the API. p50/p95 of the full response of each, requests taking
// turns; target p95 ≤ 300 ms.
import pg from "pg";
import { findFreePort } from "@/lib/platform/free-port";
import { benchDeployment, percentile, report, startBenchServer } from "./harness";

const DEPLOYMENTS = 100;
const VERSIONS_PER_DEPLOYMENT = 100;
const POINTS_PER_SERIES = 50_000;
const STEP_SECONDS = 10;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 50);
const TARGET_MS = 300;

/** Each `seconds`-wide bucket's lowest and highest point (earliest on ties), from the finer rollups in `finer`. */
const rollupsOf = (finer: string, table: string, seconds: number) => `
  INSERT INTO "${table}"
  SELECT "deploymentId", metric, "versionId", to_timestamp(floor(extract(epoch FROM "bucketStart") / ${seconds}) * ${seconds}),
         (array_agg("minTs" ORDER BY "minValue", "minTs"))[1], min("minValue"), (array_agg("minCount" ORDER BY "minValue", "minTs"))[1],
         (array_agg("maxTs" ORDER BY "maxValue" DESC, "maxTs"))[1], max("maxValue"), (array_agg("maxCount" ORDER BY "maxValue" DESC, "maxTs"))[1], sum(points)
    FROM "${finer}" GROUP BY 1, 2, 3, 4`;

/** Each statement, timed: the fleet in SQL, as an operator's long-running database would hold it. */
const LOAD = [
  ["models", `INSERT INTO "Model" (slug, name) SELECT format('fleet-model-%s', lpad(d::text, 3, '0')), format('Fleet model %s', d) FROM generate_series(1, ${DEPLOYMENTS}) d`],
  [
    "versions",
    `INSERT INTO "ModelVersion" ("modelId", version, "artifactUri", "artifactDigest", manifest, "offlineScores", "registeredBy", "createdAt")
     SELECT m.id, format('v%s', v), format('s3://models/%s/v%s', m.slug, v), 'sha256:' || encode(sha256(format('%s/%s', m.slug, v)::bytea), 'hex'),
            jsonb_build_object('weightsDigest', 'sha256:' || encode(sha256(format('%s/%s', m.slug, v)::bytea), 'hex'), 'promptTemplate', format('prompt@%s', v / 10), 'sharedContextEpoch', v),
            jsonb_build_object('accuracy', 0.9 + v / 10000.0), 'bench', now() - make_interval(days => ${VERSIONS_PER_DEPLOYMENT} - v)
       FROM "Model" m, generate_series(1, ${VERSIONS_PER_DEPLOYMENT}) v WHERE m.slug LIKE 'fleet-model-%'`,
  ],
  [
    "deployments",
    `INSERT INTO "Deployment" (slug, "modelId", "servingKind", "servingConfig", "liveVersionId", "priorVersionId", traffic, "updatedAt")
     SELECT replace(m.slug, 'fleet-model', 'fleet'), m.id, 'http', '{"baseUrl": "http://127.0.0.1:9"}',
            (SELECT id FROM "ModelVersion" WHERE "modelId" = m.id AND version = 'v${VERSIONS_PER_DEPLOYMENT}'),
            (SELECT id FROM "ModelVersion" WHERE "modelId" = m.id AND version = 'v${VERSIONS_PER_DEPLOYMENT - 1}'),
            '[{"version": "v${VERSIONS_PER_DEPLOYMENT}", "percent": 100}]', now()
       FROM "Model" m WHERE m.slug LIKE 'fleet-model-%'`,
  ],
  [
    "deployment versions and promotions",
    `WITH dv AS (
       INSERT INTO "DeploymentVersion" ("deploymentId", "versionId", status, since)
       SELECT d.id, v.id, CASE WHEN v.id = d."liveVersionId" THEN 'LIVE' ELSE 'SUPERSEDED' END::"VersionStatus", v."createdAt"
         FROM "Deployment" d JOIN "ModelVersion" v ON v."modelId" = d."modelId" WHERE d.slug LIKE 'fleet-%'
       RETURNING "deploymentId", "versionId", since)
     INSERT INTO "Promotion" (id, "deploymentId", "versionId", "replacedVersionId", "promotedAt", actor, applied)
     SELECT md5(random()::text || "versionId"), "deploymentId", "versionId", lag("versionId") OVER (PARTITION BY "deploymentId" ORDER BY since), since, 'bench', true FROM dv`,
  ],
  [
    "policies",
    `INSERT INTO "RollbackPolicy" (id, "deploymentId", metric, direction, "floorMode", "floorValue", "windowSeconds", "evaluationIntervalSeconds", "minSamples", action, "updatedAt")
     SELECT md5(random()::text || id), id, 'canary_accuracy', 'HIGHER_IS_BETTER', 'EXPLICIT', 0.9, 600, 60, 5, 'NOTIFY', now() FROM "Deployment" WHERE slug LIKE 'fleet-%'`,
  ],
  [
    "partitions",
    `SELECT "ensure_metric_partitions"(ARRAY(SELECT generate_series((now() - interval '${POINTS_PER_SERIES * STEP_SECONDS} seconds') AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', interval '1 day')::date))`,
  ],
  [
    "10,000,000 points",
    `INSERT INTO "MetricPoint" ("deploymentId", metric, "versionId", ts, value, "sampleCount")
     SELECT d.id, 'canary_accuracy', v.id, date_trunc('second', now()) - make_interval(secs => i * ${STEP_SECONDS}), 0.9 + 0.01 * sin(i / 360.0) + (v.id % 7) / 1000.0, 20
       FROM "Deployment" d CROSS JOIN LATERAL (VALUES (d."liveVersionId"), (d."priorVersionId")) v(id), generate_series(1, ${POINTS_PER_SERIES}) i
      WHERE d.slug LIKE 'fleet-%'`,
  ],
  [
    "one-minute rollups",
    `INSERT INTO "MetricRollupMinute"
     SELECT d, m, v, b, to_timestamp(lo[2]), lo[1], lo[3]::int, to_timestamp(-hi[2]), hi[1], hi[3]::int, n
       FROM (SELECT "deploymentId" AS d, metric AS m, "versionId" AS v, to_timestamp(floor(extract(epoch FROM ts) / 60) * 60) AS b,
                    min(ARRAY[value, extract(epoch FROM ts)::float8, "sampleCount"]) AS lo, max(ARRAY[value, -extract(epoch FROM ts)::float8, "sampleCount"]) AS hi, count(*)::int AS n
               FROM "MetricPoint" GROUP BY 1, 2, 3, 4) a`,
  ],
  ["five-minute rollups", rollupsOf("MetricRollupMinute", "MetricRollup", 300)],
  ["hourly rollups", rollupsOf("MetricRollup", "MetricRollupHourly", 3600)],
  ["analyze", `ANALYZE`],
] as const;

async function main() {
  const server = await startBenchServer(Number(process.env.BENCH_PORT ?? (await findFreePort(3196))));
  try {
    const owner = new pg.Client({ connectionString: server.database.ownerUrl });
    await owner.connect();
    const loadStarted = performance.now();
    try {
      await owner.query("SET synchronous_commit = off");
      await owner.query("SET work_mem = '256MB'");
      for (const [what, sql] of LOAD) {
        const started = performance.now();
        const { rowCount } = await owner.query(sql);
        console.log(`big-database: ${what}: ${rowCount ?? 0} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      }
    } finally {
      await owner.end();
    }
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    console.log(`big-database: loaded in ${loadSeconds.toFixed(0)} s`);

    const { token } = await benchDeployment(new Date(Date.now() - 86_400_000));
    const { makeUser } = await import("@/lib/testing/factories");
    const { sessionCookie } = await import("@/lib/testing/session");
    const cookie = await sessionCookie((await makeUser("VIEWER")).user.id);
    const slug = "fleet-050";
    const targets: { name: string; path: string; headers: Record<string, string> }[] = [
      { name: "deployments list page (HTML)", path: "/deployments", headers: { cookie } },
      { name: "deployment page (HTML)", path: `/deployments/${slug}`, headers: { cookie } },
      { name: "GET /api/v1/deployments", path: "/api/v1/deployments", headers: { authorization: `Bearer ${token}` } },
      { name: "GET /api/v1/deployments/{d}", path: `/api/v1/deployments/${slug}`, headers: { authorization: `Bearer ${token}` } },
      { name: "GET …/series (last 24 h, as the page asks)", path: `/api/v1/deployments/${slug}/series?metric=canary_accuracy`, headers: { authorization: `Bearer ${token}` } },
    ];
    const get = async (target: (typeof targets)[number]) => {
      const started = performance.now();
      const response = await fetch(`${server.baseUrl}${target.path}`, { headers: target.headers, redirect: "manual" });
      const body = await response.text();
      if (response.status !== 200) throw new Error(`${target.path} answered ${response.status}: ${body.slice(0, 200)}`);
      return performance.now() - started;
    };
    for (let i = 0; i < 3; i++) for (const target of targets) await get(target);
    const times = targets.map(() => [] as number[]);
    // Taking turns, so every target sees the same load on the machine.
    for (let i = 0; i < REQUESTS; i++) for (const [t, target] of targets.entries()) times[t]!.push(await get(target));
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    const figures = targets.flatMap((target, t) => {
      const sorted = times[t]!.sort((a, b) => a - b);
      const p95 = percentile(sorted, 95);
      console.log(`big-database: ${target.name}: p50 ${ms(percentile(sorted, 50))}, p95 ${ms(p95)}, max ${ms(sorted.at(-1)!)} (${REQUESTS} requests)`);
      return [{ measure: `${target.name}, p95 (p50 ${ms(percentile(sorted, 50))})`, value: ms(p95), target: `≤ ${TARGET_MS} ms`, met: p95 <= TARGET_MS }];
    });
    await report("big-database", [
      { measure: "generated in SQL: 100 deployments, 10,000 versions, 10,000,000 points + rollups", value: `${loadSeconds.toFixed(0)} s` },
      ...figures,
    ]);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
