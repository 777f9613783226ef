-- A tamper-evident audit log. Each event stores "prevHash", the hash of the event before it, and
-- "hash" = sha256(prevHash followed by the event's canonical content). An edit, a deletion or an
-- insertion made with the append-only guards turned off (which a superuser or the table's owner
-- can do) therefore breaks the chain where it happened, and `npm run audit:verify` names the place.
-- Function bodies are E-strings with \073 for each semicolon, and these comments use none: the
-- migration runner splits the script on every semicolon.

-- AlterTable: the chain trigger assigns ids (one after the head), so the sequence goes.
ALTER TABLE "AuditEvent" ADD COLUMN "hash" TEXT,
ADD COLUMN "prevHash" TEXT,
ALTER COLUMN "id" DROP DEFAULT;

DROP SEQUENCE "AuditEvent_id_seq";

-- CreateTable
CREATE TABLE "AuditChainHead" (
    "id" BOOLEAN NOT NULL DEFAULT true,
    "eventId" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditChainHead_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "AuditChainHead_one_row" CHECK ("id")
);

-- CreateTable
CREATE TABLE "AuditChainVerification" (
    "id" BIGSERIAL NOT NULL,
    "checkedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "source" TEXT NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "eventCount" INTEGER NOT NULL,
    "headEventId" BIGINT,
    "headHash" TEXT,
    "problem" TEXT,
    "brokenEventId" BIGINT,
    "message" TEXT NOT NULL,
    "durationMs" INTEGER NOT NULL,

    CONSTRAINT "AuditChainVerification_pkey" PRIMARY KEY ("id")
);

-- The canonical content of an event: a JSON object of its fields, as jsonb prints it (keys in
-- jsonb order, one spelling per value). lib/audit/audit-chain.ts spells the same expression, so a
-- verification never relies on the functions stored in the database it checks.
CREATE FUNCTION "audit_event_content"(e "AuditEvent") RETURNS text LANGUAGE sql STABLE AS
  E'SELECT jsonb_build_object(''id'', e."id", ''at'', e."at", ''actorType'', e."actorType", ''actorId'', e."actorId", ''actorLabel'', e."actorLabel", ''action'', e."action", ''targetType'', e."targetType", ''targetId'', e."targetId", ''before'', e."before", ''after'', e."after", ''requestId'', e."requestId")::text';

CREATE FUNCTION "audit_event_hash"(previous TEXT, e "AuditEvent") RETURNS text LANGUAGE sql STABLE AS
  E'SELECT encode(sha256(convert_to(previous || "audit_event_content"(e), ''UTF8'')), ''hex'')';

-- Appends queue on the head row's lock (held until their transaction ends), so concurrent
-- transactions form one chain: each event gets the next id and links to the last committed one.
-- Under REPEATABLE READ or SERIALIZABLE a concurrent append is a serialization failure (retry),
-- never a fork. The database stamps the time. The head row is written once per statement (below),
-- not per event: rewriting one row per event made a transaction of n events cost n squared. Until
-- then the events this transaction has just appended (its own xmin) carry the chain on. Both
-- functions are SECURITY DEFINER: the app's role cannot touch the head row itself. Their search
-- path is pinned (temporary tables last) below.
CREATE FUNCTION "audit_event_chain"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS E'
DECLARE
  head "AuditChainHead"\073
  previous_id BIGINT\073
  previous_hash TEXT\073
BEGIN
  SELECT * INTO head FROM "AuditChainHead" FOR UPDATE\073
  IF NOT FOUND THEN
    RAISE EXCEPTION ''the audit chain has no head row (AuditChainHead), so nothing can be appended'' USING ERRCODE = ''data_corrupted''\073
  END IF\073
  SELECT "id", "hash" INTO previous_id, previous_hash FROM "AuditEvent"
   WHERE "id" > head."eventId" AND xmin = pg_current_xact_id()::xid ORDER BY "id" DESC LIMIT 1\073
  IF NOT FOUND THEN
    previous_id := head."eventId"\073
    previous_hash := head."hash"\073
  END IF\073
  NEW."id" := previous_id + 1\073
  NEW."at" := (clock_timestamp() AT TIME ZONE ''UTC'')::timestamp(3)\073
  NEW."prevHash" := previous_hash\073
  NEW."hash" := "audit_event_hash"(previous_hash, NEW)\073
  RETURN NEW\073
END';

CREATE FUNCTION "audit_chain_advance"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS E'
BEGIN
  UPDATE "AuditChainHead" SET "eventId" = newest."id", "hash" = newest."hash"
    FROM (SELECT "id", "hash" FROM appended ORDER BY "id" DESC LIMIT 1) newest\073
  RETURN NULL\073
END';

DO E'BEGIN EXECUTE format(''ALTER FUNCTION "audit_event_chain"() SET search_path = %I, pg_temp'', current_schema())\073 EXECUTE format(''ALTER FUNCTION "audit_chain_advance"() SET search_path = %I, pg_temp'', current_schema())\073 END';

-- Plan the look-up of this transaction's newest event for the head's actual id each time: a plan
-- cached for any id may scan the whole table.
ALTER FUNCTION "audit_event_chain"() SET plan_cache_mode = force_custom_plan;

-- Chain the events recorded so far, in id order, from the all-zero genesis hash, and start the
-- head at the last of them. One block, so no event is appended between the backfill and the trigger.
DO E'
DECLARE
  e "AuditEvent"\073
  previous TEXT := repeat(''0'', 64)\073
BEGIN
  LOCK TABLE "AuditEvent" IN EXCLUSIVE MODE\073
  ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_no_update_delete"\073
  FOR e IN SELECT * FROM "AuditEvent" ORDER BY "id" LOOP
    UPDATE "AuditEvent" SET "prevHash" = previous, "hash" = "audit_event_hash"(previous, e) WHERE "id" = e."id" RETURNING "hash" INTO previous\073
  END LOOP\073
  ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_no_update_delete"\073
  INSERT INTO "AuditChainHead" ("id", "eventId", "hash") VALUES (true, coalesce((SELECT max("id") FROM "AuditEvent"), 0), previous)\073
  CREATE TRIGGER "AuditEvent_chain" BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION "audit_event_chain"()\073
  CREATE TRIGGER "AuditEvent_chain_head" AFTER INSERT ON "AuditEvent" REFERENCING NEW TABLE AS appended FOR EACH STATEMENT EXECUTE FUNCTION "audit_chain_advance"()\073
END';

ALTER TABLE "AuditEvent" ALTER COLUMN "hash" SET NOT NULL,
ALTER COLUMN "prevHash" SET NOT NULL;
