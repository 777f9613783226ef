-- How a deployment rolls back moves off its per-metric policies into one rollback plan.
CREATE TABLE "RollbackPlan" (
    "deploymentId" INTEGER NOT NULL,
    "mode" "RollbackMode" NOT NULL DEFAULT 'RAMP',
    "rampStages" JSONB NOT NULL DEFAULT '[10, 100]',
    "rampDwellSeconds" INTEGER NOT NULL DEFAULT 60,
    "requireDistinctApprover" BOOLEAN NOT NULL DEFAULT true,
    "blockOnUnacknowledged" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RollbackPlan_pkey" PRIMARY KEY ("deploymentId")
);

ALTER TABLE "RollbackPlan" ADD CONSTRAINT "RollbackPlan_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Until now the oldest policy of a deployment decided how it rolled back: that becomes its plan.
INSERT INTO "RollbackPlan" ("deploymentId", "mode", "rampStages", "rampDwellSeconds", "requireDistinctApprover", "blockOnUnacknowledged", "createdAt", "updatedAt")
SELECT DISTINCT ON ("deploymentId")
       "deploymentId", "rollbackMode", "rampStages", "rampDwellSeconds", "requireDistinctApprover", "blockOnUnacknowledged", "createdAt", CURRENT_TIMESTAMP
  FROM "RollbackPolicy"
 ORDER BY "deploymentId", "createdAt" ASC, "id" ASC;

ALTER TABLE "RollbackPolicy" DROP COLUMN "rollbackMode",
DROP COLUMN "rampStages",
DROP COLUMN "rampDwellSeconds",
DROP COLUMN "requireDistinctApprover",
DROP COLUMN "blockOnUnacknowledged";
