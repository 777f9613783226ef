-- A policy reads its metric from a registered source. Every existing policy read pushed points.
ALTER TABLE "RollbackPolicy" ADD COLUMN "sourceKind" TEXT NOT NULL DEFAULT 'push',
ADD COLUMN "sourceConfig" JSONB NOT NULL DEFAULT '{}';
