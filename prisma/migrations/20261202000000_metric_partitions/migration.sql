-- Metric points and their rollups are partitioned by UTC day (PostgreSQL native range
-- partitioning), so retention drops whole days instead of deleting rows, and a new hourly rollup
-- lets long ranges read a few hundred rows a series. Existing rows are copied over.
-- Function bodies are E-strings with \073 for each semicolon, and these comments use none: the
-- migration runner splits the script on every semicolon.

ALTER TABLE "MetricPoint" RENAME TO "MetricPoint_unpartitioned";
ALTER TABLE "MetricPoint_unpartitioned" RENAME CONSTRAINT "MetricPoint_pkey" TO "MetricPoint_unpartitioned_pkey";
ALTER TABLE "MetricRollup" RENAME TO "MetricRollup_unpartitioned";
ALTER TABLE "MetricRollup_unpartitioned" RENAME CONSTRAINT "MetricRollup_pkey" TO "MetricRollup_unpartitioned_pkey";

-- The same columns, partitioned (a partitioned table's primary key must hold the partition key,
-- which both already do).
CREATE TABLE "MetricPoint" (
    LIKE "MetricPoint_unpartitioned" INCLUDING DEFAULTS,
    CONSTRAINT "MetricPoint_pkey" PRIMARY KEY ("deploymentId","metric","versionId","ts")
) PARTITION BY RANGE ("ts");

CREATE TABLE "MetricRollup" (
    LIKE "MetricRollup_unpartitioned",
    CONSTRAINT "MetricRollup_pkey" PRIMARY KEY ("deploymentId","metric","versionId","bucketStart")
) PARTITION BY RANGE ("bucketStart");

CREATE TABLE "MetricRollupHourly" (
    LIKE "MetricRollup_unpartitioned",
    CONSTRAINT "MetricRollupHourly_pkey" PRIMARY KEY ("deploymentId","metric","versionId","bucketStart")
) PARTITION BY RANGE ("bucketStart");

-- Creates each table's partition for each given UTC day that has none (named Table_YYYYMMDD),
-- and answers how many it created. It runs as its owner (the migrations' role), so the app's role
-- needs no right to create tables, and partitions are read and written through their parent,
-- whose grants apply. Callers take turns on an advisory lock, so concurrent calls for one day
-- cannot collide.
CREATE FUNCTION "ensure_metric_partitions"(days DATE[]) RETURNS INTEGER LANGUAGE plpgsql SECURITY DEFINER AS E'
DECLARE
  day DATE\073
  parent TEXT\073
  created INTEGER := 0\073
BEGIN
  PERFORM pg_advisory_xact_lock(1380011088)\073
  FOREACH day IN ARRAY days LOOP
    FOREACH parent IN ARRAY ARRAY[''MetricPoint'', ''MetricRollup'', ''MetricRollupHourly''] LOOP
      IF to_regclass(format(''%I'', parent || ''_'' || to_char(day, ''YYYYMMDD''))) IS NULL THEN
        EXECUTE format(''CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)'',
          parent || ''_'' || to_char(day, ''YYYYMMDD''), parent,
          day::timestamp AT TIME ZONE ''UTC'', (day + 1)::timestamp AT TIME ZONE ''UTC'')\073
        created := created + 1\073
      END IF\073
    END LOOP\073
  END LOOP\073
  RETURN created\073
END';

-- Drops every partition that ends at or before `cutoff` (whole days only: a day that is partly
-- newer stays until it is all older) and answers how many it dropped.
CREATE FUNCTION "drop_metric_partitions_before"(cutoff TIMESTAMPTZ) RETURNS INTEGER LANGUAGE plpgsql SECURITY DEFINER AS E'
DECLARE
  child RECORD\073
  dropped INTEGER := 0\073
BEGIN
  PERFORM pg_advisory_xact_lock(1380011088)\073
  FOR child IN
    SELECT c.relname AS name
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relnamespace = current_schema()::regnamespace
       AND p.relname IN (''MetricPoint'', ''MetricRollup'', ''MetricRollupHourly'')
       AND c.relname ~ (''^'' || p.relname || ''_[0-9]{8}$'')
       AND (to_date(right(c.relname, 8), ''YYYYMMDD'') + 1)::timestamp AT TIME ZONE ''UTC'' <= cutoff
     ORDER BY c.relname
  LOOP
    EXECUTE format(''DROP TABLE %I'', child.name)\073
    dropped := dropped + 1\073
  END LOOP\073
  RETURN dropped\073
END';

DO E'BEGIN EXECUTE format(''ALTER FUNCTION "ensure_metric_partitions"(DATE[]) SET search_path = %I, pg_temp'', current_schema())\073 EXECUTE format(''ALTER FUNCTION "drop_metric_partitions_before"(TIMESTAMPTZ) SET search_path = %I, pg_temp'', current_schema())\073 END';

-- Only the app's role may call them (granted with its other rights, lib/platform/app-role.ts).
REVOKE EXECUTE ON FUNCTION "ensure_metric_partitions"(DATE[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION "drop_metric_partitions_before"(TIMESTAMPTZ) FROM PUBLIC;

-- A partition for every day that holds points, and for yesterday to a week ahead.
SELECT "ensure_metric_partitions"(ARRAY(
  SELECT DISTINCT (ts AT TIME ZONE 'UTC')::date FROM "MetricPoint_unpartitioned"
  UNION SELECT DISTINCT ("bucketStart" AT TIME ZONE 'UTC')::date FROM "MetricRollup_unpartitioned"
  UNION SELECT generate_series((now() AT TIME ZONE 'UTC')::date - 1, (now() AT TIME ZONE 'UTC')::date + 7, interval '1 day')::date
));

INSERT INTO "MetricPoint" SELECT * FROM "MetricPoint_unpartitioned";
INSERT INTO "MetricRollup" SELECT * FROM "MetricRollup_unpartitioned";

-- Each hour's lowest and highest point (earliest on ties), from its five-minute rollups.
INSERT INTO "MetricRollupHourly"
SELECT "deploymentId", "metric", "versionId", to_timestamp(floor(extract(epoch FROM "bucketStart") / 3600) * 3600),
       (array_agg("minTs" ORDER BY "minValue", "minTs"))[1], min("minValue"), (array_agg("minCount" ORDER BY "minValue", "minTs"))[1],
       (array_agg("maxTs" ORDER BY "maxValue" DESC, "maxTs"))[1], max("maxValue"), (array_agg("maxCount" ORDER BY "maxValue" DESC, "maxTs"))[1],
       sum("points")::int
  FROM "MetricRollup_unpartitioned"
 GROUP BY 1, 2, 3, 4;

DROP TABLE "MetricPoint_unpartitioned";
DROP TABLE "MetricRollup_unpartitioned";
