-- CreateEnum
CREATE TYPE "DegradationLevel" AS ENUM ('NORMAL', 'REDUCED', 'FALLBACK', 'OFF');

-- CreateEnum
CREATE TYPE "DegradationOrigin" AS ENUM ('MANUAL', 'POLICY');

-- CreateEnum
CREATE TYPE "DegradationChangeStatus" AS ENUM ('PENDING', 'APPLIED', 'FAILED');

-- AlterEnum
ALTER TYPE "PolicyAction" ADD VALUE 'DEGRADE';

-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "degradationLevel" "DegradationLevel" NOT NULL DEFAULT 'NORMAL',
ADD COLUMN     "degradationReason" TEXT,
ADD COLUMN     "degradationSetBy" TEXT,
ADD COLUMN     "degradationSince" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "RollbackPolicy" ADD COLUMN     "degradeLevel" "DegradationLevel";

-- AlterTable
ALTER TABLE "RollbackPlan" ADD COLUMN     "sloDetectSeconds" INTEGER,
ADD COLUMN     "sloRollbackSeconds" INTEGER;

-- AlterTable
ALTER TABLE "RollbackOperation" ADD COLUMN     "sloDetectSeconds" INTEGER,
ADD COLUMN     "sloRollbackSeconds" INTEGER;

-- AlterTable
ALTER TABLE "Rehearsal" ADD COLUMN     "manifestChecks" JSONB,
ADD COLUMN     "manifestReachable" BOOLEAN,
ADD COLUMN     "memoryCheckpointVersion" TEXT,
ADD COLUMN     "memoryDivergedSince" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "ConsumerAcknowledgement" (
    "id" TEXT NOT NULL,
    "deploymentId" INTEGER NOT NULL,
    "operationId" TEXT NOT NULL,
    "invalidationId" TEXT NOT NULL,
    "consumer" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL,
    "latencyMs" INTEGER,

    CONSTRAINT "ConsumerAcknowledgement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DegradationChange" (
    "id" TEXT NOT NULL,
    "deploymentId" INTEGER NOT NULL,
    "fromLevel" "DegradationLevel" NOT NULL,
    "toLevel" "DegradationLevel" NOT NULL,
    "reason" TEXT NOT NULL,
    "origin" "DegradationOrigin" NOT NULL,
    "actorLabel" TEXT NOT NULL,
    "detectionId" TEXT,
    "idempotencyKey" TEXT,
    "status" "DegradationChangeStatus" NOT NULL DEFAULT 'PENDING',
    "servingLevel" "DegradationLevel",
    "servedBy" TEXT,
    "error" TEXT,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settledAt" TIMESTAMP(3),

    CONSTRAINT "DegradationChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ConsumerAcknowledgement_deploymentId_requestedAt_idx" ON "ConsumerAcknowledgement"("deploymentId", "requestedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ConsumerAcknowledgement_operationId_invalidationId_consumer_key" ON "ConsumerAcknowledgement"("operationId", "invalidationId", "consumer");

-- CreateIndex
CREATE INDEX "DegradationChange_deploymentId_requestedAt_idx" ON "DegradationChange"("deploymentId", "requestedAt");

-- CreateIndex
CREATE UNIQUE INDEX "DegradationChange_deploymentId_idempotencyKey_key" ON "DegradationChange"("deploymentId", "idempotencyKey");

-- AddForeignKey
ALTER TABLE "ConsumerAcknowledgement" ADD CONSTRAINT "ConsumerAcknowledgement_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DegradationChange" ADD CONSTRAINT "DegradationChange_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- One change in flight per deployment: a second request while the serving call of the first is
-- still out is refused by the database, not only by the code that checks first.
CREATE UNIQUE INDEX "DegradationChange_one_pending_per_deployment" ON "DegradationChange"("deploymentId")
  WHERE "status" = 'PENDING';
