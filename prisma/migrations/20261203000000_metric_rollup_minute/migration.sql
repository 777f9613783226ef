-- One-minute rollups beside the five-minute and hourly ones. A 24-hour chart of 1,000 points has
-- buckets of under three minutes, too narrow for five-minute rollups, so it read every raw point
-- of the day: 17,000 rows for two versions of 10-second points, and hundreds of thousands while a
-- flood of points arrives. From one-minute rollups it reads about 2,900.
-- Function bodies are E-strings with \073 for each semicolon, and these comments use none: the
-- migration runner splits the script on every semicolon.

CREATE TABLE "MetricRollupMinute" (
    LIKE "MetricRollup",
    CONSTRAINT "MetricRollupMinute_pkey" PRIMARY KEY ("deploymentId","metric","versionId","bucketStart")
) PARTITION BY RANGE ("bucketStart");

-- As in 20261202000000_metric_partitions, with the new table among the parents.
CREATE OR REPLACE FUNCTION "ensure_metric_partitions"(days DATE[]) RETURNS INTEGER LANGUAGE plpgsql SECURITY DEFINER AS E'
DECLARE
  day DATE\073
  parent TEXT\073
  created INTEGER := 0\073
BEGIN
  PERFORM pg_advisory_xact_lock(1380011088)\073
  FOREACH day IN ARRAY days LOOP
    FOREACH parent IN ARRAY ARRAY[''MetricPoint'', ''MetricRollupMinute'', ''MetricRollup'', ''MetricRollupHourly''] LOOP
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

CREATE OR REPLACE FUNCTION "drop_metric_partitions_before"(cutoff TIMESTAMPTZ) RETURNS INTEGER LANGUAGE plpgsql SECURITY DEFINER AS E'
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
       AND p.relname IN (''MetricPoint'', ''MetricRollupMinute'', ''MetricRollup'', ''MetricRollupHourly'')
       AND c.relname ~ (''^'' || p.relname || ''_[0-9]{8}$'')
       AND (to_date(right(c.relname, 8), ''YYYYMMDD'') + 1)::timestamp AT TIME ZONE ''UTC'' <= cutoff
     ORDER BY c.relname
  LOOP
    EXECUTE format(''DROP TABLE %I'', child.name)\073
    dropped := dropped + 1\073
  END LOOP\073
  RETURN dropped\073
END';

-- CREATE OR REPLACE keeps the functions' grants but not their settings.
DO E'BEGIN EXECUTE format(''ALTER FUNCTION "ensure_metric_partitions"(DATE[]) SET search_path = %I, pg_temp'', current_schema())\073 EXECUTE format(''ALTER FUNCTION "drop_metric_partitions_before"(TIMESTAMPTZ) SET search_path = %I, pg_temp'', current_schema())\073 END';

-- The new table's partition for every day the points table has one.
SELECT "ensure_metric_partitions"(ARRAY(
  SELECT to_date(right(c.relname, 8), 'YYYYMMDD')
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
   WHERE i.inhparent = '"MetricPoint"'::regclass
));

-- Each minute's lowest and highest point (earliest on ties), from the points themselves.
INSERT INTO "MetricRollupMinute"
SELECT d, m, v, b, to_timestamp(lo[2]), lo[1], lo[3]::int, to_timestamp(-hi[2]), hi[1], hi[3]::int, n
  FROM (SELECT "deploymentId" AS d, "metric" AS m, "versionId" AS v, to_timestamp(floor(date_part('epoch', "ts") / 60) * 60) AS b,
               min(ARRAY["value", date_part('epoch', "ts"), "sampleCount"]) AS lo,
               max(ARRAY["value", -date_part('epoch', "ts"), "sampleCount"]) AS hi,
               count(*)::int AS n
          FROM "MetricPoint" GROUP BY 1, 2, 3, 4) a;
