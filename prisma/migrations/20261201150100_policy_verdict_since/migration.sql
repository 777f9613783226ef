-- AlterTable
ALTER TABLE "RollbackPolicy" ADD COLUMN     "lastVerdictSince" TIMESTAMP(3);

-- The best known start of each current verdict is its last evaluation.
UPDATE "RollbackPolicy" SET "lastVerdictSince" = "lastEvaluatedAt" WHERE "lastVerdict" IS NOT NULL;
