-- A policy counts the evaluations in a row its source could not answer and notifies once at its limit.
ALTER TABLE "RollbackPolicy" ADD COLUMN "consecutiveErrorLimit" INTEGER NOT NULL DEFAULT 3,
ADD COLUMN "consecutiveErrors" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "errorLimitNotifiedAt" TIMESTAMP(3),
ADD COLUMN "lastError" TEXT,
ADD COLUMN "lastErrorAt" TIMESTAMP(3);

