-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('VIEWER', 'OPERATOR', 'APPROVER', 'ADMIN');

-- CreateEnum
CREATE TYPE "DeploymentState" AS ENUM ('STABLE', 'ROLLING_BACK', 'FROZEN');

-- CreateEnum
CREATE TYPE "VersionStatus" AS ENUM ('SHADOW', 'LIVE', 'SUPERSEDED', 'ROLLED_BACK');

-- CreateEnum
CREATE TYPE "ServingKind" AS ENUM ('HTTP');

-- CreateEnum
CREATE TYPE "MetricDirection" AS ENUM ('HIGHER_IS_BETTER', 'LOWER_IS_BETTER');

-- CreateEnum
CREATE TYPE "PolicyAction" AS ENUM ('NOTIFY', 'REQUEST', 'AUTO');

-- CreateEnum
CREATE TYPE "FloorMode" AS ENUM ('EXPLICIT', 'PRIOR');

-- CreateEnum
CREATE TYPE "RollbackStatus" AS ENUM ('REQUESTED', 'AWAITING_APPROVAL', 'APPROVED', 'EXECUTING', 'COMPLETED', 'REJECTED', 'CANCELLED', 'FAILED');

-- CreateEnum
CREATE TYPE "RollbackKind" AS ENUM ('INCIDENT', 'REHEARSAL');

-- CreateEnum
CREATE TYPE "RollbackMode" AS ENUM ('INSTANT', 'RAMP');

-- CreateEnum
CREATE TYPE "StepStatus" AS ENUM ('PENDING', 'RUNNING', 'SUCCEEDED', 'SKIPPED', 'FAILED');

-- CreateEnum
CREATE TYPE "PostmortemStatus" AS ENUM ('DRAFT', 'IN_REVIEW', 'APPROVED', 'CLOSED');

-- CreateEnum
CREATE TYPE "Severity" AS ENUM ('SEV1', 'SEV2', 'SEV3', 'SEV4');

-- CreateEnum
CREATE TYPE "MissedCheckReason" AS ENUM ('MISSING_CATEGORY', 'LOOSE_THRESHOLD', 'UNREPRESENTATIVE_DATA', 'NOT_RUN');

-- CreateEnum
CREATE TYPE "GateAdditionStatus" AS ENUM ('PROPOSED', 'IMPLEMENTED', 'ENFORCED');

-- CreateEnum
CREATE TYPE "ActionItemStatus" AS ENUM ('OPEN', 'IN_PROGRESS', 'DONE', 'WONT_DO');

-- CreateEnum
CREATE TYPE "ActionItemType" AS ENUM ('PREVENT', 'DETECT', 'MITIGATE', 'PROCESS');

-- CreateEnum
CREATE TYPE "RehearsalStatus" AS ENUM ('RUNNING', 'PASSED', 'FAILED', 'REFUSED');

-- CreateEnum
CREATE TYPE "RehearsalTrigger" AS ENUM ('SCHEDULED', 'MANUAL');

-- CreateEnum
CREATE TYPE "ActorType" AS ENUM ('USER', 'TOKEN', 'SYSTEM');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT,
    "role" "Role" NOT NULL DEFAULT 'VIEWER',
    "disabledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuthThrottle" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "windowStart" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "blockedUntil" TIMESTAMP(3),

    CONSTRAINT "AuthThrottle_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Model" (
    "id" SERIAL NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Model_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModelVersion" (
    "id" SERIAL NOT NULL,
    "modelId" INTEGER NOT NULL,
    "version" TEXT NOT NULL,
    "artifactUri" TEXT NOT NULL,
    "artifactDigest" TEXT NOT NULL,
    "manifest" JSONB NOT NULL,
    "offlineScores" JSONB NOT NULL DEFAULT '{}',
    "registeredBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retainUntil" TIMESTAMP(3),
    "purgedAt" TIMESTAMP(3),

    CONSTRAINT "ModelVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Deployment" (
    "id" SERIAL NOT NULL,
    "slug" TEXT NOT NULL,
    "modelId" INTEGER NOT NULL,
    "environment" TEXT NOT NULL DEFAULT 'production',
    "state" "DeploymentState" NOT NULL DEFAULT 'STABLE',
    "servingKind" "ServingKind" NOT NULL DEFAULT 'HTTP',
    "servingBaseUrl" TEXT NOT NULL,
    "liveVersionId" INTEGER,
    "priorVersionId" INTEGER,
    "traffic" JSONB NOT NULL DEFAULT '[]',
    "rehearsalEnabled" BOOLEAN NOT NULL DEFAULT true,
    "rehearsalWeekday" INTEGER NOT NULL DEFAULT 2,
    "rehearsalHourUtc" INTEGER NOT NULL DEFAULT 10,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Deployment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeploymentVersion" (
    "deploymentId" INTEGER NOT NULL,
    "versionId" INTEGER NOT NULL,
    "status" "VersionStatus" NOT NULL,
    "since" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "productionFailure" TEXT,
    "rolledBackAt" TIMESTAMP(3),

    CONSTRAINT "DeploymentVersion_pkey" PRIMARY KEY ("deploymentId","versionId")
);

-- CreateTable
CREATE TABLE "Consumer" (
    "id" SERIAL NOT NULL,
    "deploymentId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "blocking" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Consumer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Promotion" (
    "id" TEXT NOT NULL,
    "deploymentId" INTEGER NOT NULL,
    "versionId" INTEGER NOT NULL,
    "replacedVersionId" INTEGER,
    "promotedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "evidence" JSONB NOT NULL DEFAULT '{}',
    "floor" DOUBLE PRECISION,
    "override" BOOLEAN NOT NULL DEFAULT false,
    "applied" BOOLEAN NOT NULL DEFAULT false,
    "actor" TEXT NOT NULL,

    CONSTRAINT "Promotion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MetricPoint" (
    "deploymentId" INTEGER NOT NULL,
    "metric" TEXT NOT NULL,
    "versionId" INTEGER NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "sampleCount" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "MetricPoint_pkey" PRIMARY KEY ("deploymentId","metric","versionId","ts")
);

-- CreateTable
CREATE TABLE "RollbackPolicy" (
    "id" TEXT NOT NULL,
    "deploymentId" INTEGER NOT NULL,
    "metric" TEXT NOT NULL,
    "direction" "MetricDirection" NOT NULL,
    "floorMode" "FloorMode" NOT NULL,
    "floorValue" DOUBLE PRECISION,
    "floorRule" JSONB,
    "windowSeconds" INTEGER NOT NULL,
    "evaluationIntervalSeconds" INTEGER NOT NULL,
    "minSamples" INTEGER NOT NULL,
    "sampleIntervalSeconds" INTEGER NOT NULL DEFAULT 10,
    "action" "PolicyAction" NOT NULL,
    "rollbackMode" "RollbackMode" NOT NULL DEFAULT 'RAMP',
    "rampStages" JSONB NOT NULL DEFAULT '[10, 100]',
    "rampDwellSeconds" INTEGER NOT NULL DEFAULT 60,
    "requireDistinctApprover" BOOLEAN NOT NULL DEFAULT true,
    "blockOnUnacknowledged" BOOLEAN NOT NULL DEFAULT false,
    "lastEvaluatedAt" TIMESTAMP(3),
    "lastVerdict" TEXT,
    "lastStats" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RollbackPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Detection" (
    "id" TEXT NOT NULL,
    "deploymentId" INTEGER NOT NULL,
    "policyId" TEXT NOT NULL,
    "versionId" INTEGER NOT NULL,
    "metric" TEXT NOT NULL,
    "regressionStartedAt" TIMESTAMP(3) NOT NULL,
    "detectedAt" TIMESTAMP(3) NOT NULL,
    "timeToDetectMs" INTEGER NOT NULL,
    "windowStats" JSONB NOT NULL,
    "floorValue" DOUBLE PRECISION NOT NULL,
    "floorSource" TEXT NOT NULL,
    "evidence" JSONB NOT NULL,
    "action" "PolicyAction" NOT NULL,
    "resolvedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Detection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RollbackOperation" (
    "id" TEXT NOT NULL,
    "deploymentId" INTEGER NOT NULL,
    "kind" "RollbackKind" NOT NULL DEFAULT 'INCIDENT',
    "mode" "RollbackMode" NOT NULL,
    "status" "RollbackStatus" NOT NULL,
    "fromVersionId" INTEGER NOT NULL,
    "toVersionId" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "detectionId" TEXT,
    "idempotencyKey" TEXT,
    "requestedById" TEXT,
    "requestedByLabel" TEXT NOT NULL,
    "approvedById" TEXT,
    "rampStages" JSONB NOT NULL DEFAULT '[100]',
    "rampDwellSeconds" INTEGER NOT NULL DEFAULT 0,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "approvedAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "failedAt" TIMESTAMP(3),
    "failureReason" TEXT,
    "decisionNote" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RollbackOperation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RollbackStep" (
    "id" TEXT NOT NULL,
    "operationId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "status" "StepStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "detail" JSONB,
    "error" TEXT,

    CONSTRAINT "RollbackStep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Postmortem" (
    "id" TEXT NOT NULL,
    "deploymentId" INTEGER NOT NULL,
    "rollbackId" TEXT NOT NULL,
    "detectionId" TEXT,
    "badVersionId" INTEGER NOT NULL,
    "priorVersionId" INTEGER NOT NULL,
    "status" "PostmortemStatus" NOT NULL DEFAULT 'DRAFT',
    "severity" "Severity" NOT NULL DEFAULT 'SEV2',
    "title" TEXT NOT NULL,
    "summary" TEXT NOT NULL DEFAULT '',
    "whatHappened" TEXT NOT NULL DEFAULT '',
    "impact" TEXT NOT NULL DEFAULT '',
    "impactTrafficShare" DOUBLE PRECISION,
    "requestsAffected" INTEGER,
    "trigger" TEXT NOT NULL DEFAULT '',
    "contributingFactors" TEXT NOT NULL DEFAULT '',
    "detectionSignal" TEXT NOT NULL DEFAULT '',
    "missedCheckSuite" TEXT NOT NULL DEFAULT '',
    "missedCheckReason" "MissedCheckReason",
    "missedCheckDetail" TEXT NOT NULL DEFAULT '',
    "lessons" TEXT NOT NULL DEFAULT '',
    "impactStartedAt" TIMESTAMP(3),
    "detectedAt" TIMESTAMP(3),
    "rollbackRequestedAt" TIMESTAMP(3),
    "approvedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "badVersionLiveFrom" TIMESTAMP(3),
    "reviewApprovedById" TEXT,
    "reviewApprovedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Postmortem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PostmortemAuthor" (
    "postmortemId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,

    CONSTRAINT "PostmortemAuthor_pkey" PRIMARY KEY ("postmortemId","userId")
);

-- CreateTable
CREATE TABLE "TimestampCorrection" (
    "id" TEXT NOT NULL,
    "postmortemId" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "previous" TIMESTAMP(3),
    "value" TIMESTAMP(3) NOT NULL,
    "actorId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TimestampCorrection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PostmortemReview" (
    "id" TEXT NOT NULL,
    "postmortemId" TEXT NOT NULL,
    "actorId" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PostmortemReview_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GateAddition" (
    "id" TEXT NOT NULL,
    "postmortemId" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "suite" TEXT NOT NULL DEFAULT '',
    "status" "GateAdditionStatus" NOT NULL DEFAULT 'PROPOSED',
    "implementedAt" TIMESTAMP(3),
    "enforcedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GateAddition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ActionItem" (
    "id" TEXT NOT NULL,
    "postmortemId" TEXT NOT NULL,
    "type" "ActionItemType" NOT NULL,
    "title" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "dueDate" TIMESTAMP(3) NOT NULL,
    "status" "ActionItemStatus" NOT NULL DEFAULT 'OPEN',
    "wontDoReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "ActionItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Rehearsal" (
    "id" TEXT NOT NULL,
    "deploymentId" INTEGER NOT NULL,
    "operationId" TEXT,
    "trigger" "RehearsalTrigger" NOT NULL,
    "status" "RehearsalStatus" NOT NULL,
    "priorReachable" BOOLEAN,
    "trafficShifted" BOOLEAN,
    "consumersAcknowledged" BOOLEAN,
    "backLegMs" INTEGER,
    "forwardLegMs" INTEGER,
    "failureReason" TEXT,
    "requestedBy" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Rehearsal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdempotencyRecord" (
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "responseBody" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdempotencyRecord_pkey" PRIMARY KEY ("scope","key")
);

-- CreateTable
CREATE TABLE "Webhook" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "events" TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Webhook_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorType" "ActorType" NOT NULL,
    "actorId" TEXT,
    "actorLabel" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "requestId" TEXT NOT NULL,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "Model_slug_key" ON "Model"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "ModelVersion_modelId_version_key" ON "ModelVersion"("modelId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "Deployment_slug_key" ON "Deployment"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "Consumer_deploymentId_name_key" ON "Consumer"("deploymentId", "name");

-- CreateIndex
CREATE INDEX "Promotion_deploymentId_promotedAt_idx" ON "Promotion"("deploymentId", "promotedAt");

-- CreateIndex
CREATE UNIQUE INDEX "RollbackPolicy_deploymentId_metric_key" ON "RollbackPolicy"("deploymentId", "metric");

-- CreateIndex
CREATE INDEX "Detection_deploymentId_detectedAt_idx" ON "Detection"("deploymentId", "detectedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Detection_deploymentId_metric_versionId_regressionStartedAt_key" ON "Detection"("deploymentId", "metric", "versionId", "regressionStartedAt");

-- CreateIndex
CREATE INDEX "RollbackOperation_deploymentId_requestedAt_idx" ON "RollbackOperation"("deploymentId", "requestedAt");

-- CreateIndex
CREATE INDEX "RollbackOperation_status_idx" ON "RollbackOperation"("status");

-- CreateIndex
CREATE UNIQUE INDEX "RollbackOperation_deploymentId_idempotencyKey_key" ON "RollbackOperation"("deploymentId", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "RollbackStep_operationId_position_key" ON "RollbackStep"("operationId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "Postmortem_rollbackId_key" ON "Postmortem"("rollbackId");

-- CreateIndex
CREATE INDEX "Postmortem_deploymentId_createdAt_idx" ON "Postmortem"("deploymentId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "GateAddition_postmortemId_key" ON "GateAddition"("postmortemId");

-- CreateIndex
CREATE UNIQUE INDEX "Rehearsal_operationId_key" ON "Rehearsal"("operationId");

-- CreateIndex
CREATE INDEX "Rehearsal_deploymentId_startedAt_idx" ON "Rehearsal"("deploymentId", "startedAt");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "AuditEvent_targetType_targetId_idx" ON "AuditEvent"("targetType", "targetId");

-- CreateIndex
CREATE INDEX "AuditEvent_action_idx" ON "AuditEvent"("action");

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelVersion" ADD CONSTRAINT "ModelVersion_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeploymentVersion" ADD CONSTRAINT "DeploymentVersion_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeploymentVersion" ADD CONSTRAINT "DeploymentVersion_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Consumer" ADD CONSTRAINT "Consumer_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Promotion" ADD CONSTRAINT "Promotion_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Promotion" ADD CONSTRAINT "Promotion_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricPoint" ADD CONSTRAINT "MetricPoint_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricPoint" ADD CONSTRAINT "MetricPoint_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RollbackPolicy" ADD CONSTRAINT "RollbackPolicy_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Detection" ADD CONSTRAINT "Detection_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Detection" ADD CONSTRAINT "Detection_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "RollbackPolicy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RollbackOperation" ADD CONSTRAINT "RollbackOperation_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RollbackOperation" ADD CONSTRAINT "RollbackOperation_detectionId_fkey" FOREIGN KEY ("detectionId") REFERENCES "Detection"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RollbackOperation" ADD CONSTRAINT "RollbackOperation_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RollbackOperation" ADD CONSTRAINT "RollbackOperation_approvedById_fkey" FOREIGN KEY ("approvedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RollbackStep" ADD CONSTRAINT "RollbackStep_operationId_fkey" FOREIGN KEY ("operationId") REFERENCES "RollbackOperation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Postmortem" ADD CONSTRAINT "Postmortem_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Postmortem" ADD CONSTRAINT "Postmortem_rollbackId_fkey" FOREIGN KEY ("rollbackId") REFERENCES "RollbackOperation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Postmortem" ADD CONSTRAINT "Postmortem_detectionId_fkey" FOREIGN KEY ("detectionId") REFERENCES "Detection"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PostmortemAuthor" ADD CONSTRAINT "PostmortemAuthor_postmortemId_fkey" FOREIGN KEY ("postmortemId") REFERENCES "Postmortem"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PostmortemAuthor" ADD CONSTRAINT "PostmortemAuthor_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TimestampCorrection" ADD CONSTRAINT "TimestampCorrection_postmortemId_fkey" FOREIGN KEY ("postmortemId") REFERENCES "Postmortem"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PostmortemReview" ADD CONSTRAINT "PostmortemReview_postmortemId_fkey" FOREIGN KEY ("postmortemId") REFERENCES "Postmortem"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GateAddition" ADD CONSTRAINT "GateAddition_postmortemId_fkey" FOREIGN KEY ("postmortemId") REFERENCES "Postmortem"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActionItem" ADD CONSTRAINT "ActionItem_postmortemId_fkey" FOREIGN KEY ("postmortemId") REFERENCES "Postmortem"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActionItem" ADD CONSTRAINT "ActionItem_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rehearsal" ADD CONSTRAINT "Rehearsal_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rehearsal" ADD CONSTRAINT "Rehearsal_operationId_fkey" FOREIGN KEY ("operationId") REFERENCES "RollbackOperation"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- The audit log is append-only: the database itself refuses to change or remove history.
-- The body is an E-string with \073 for each semicolon because the migration runner splits
-- scripts on every semicolon, including those inside a function body.
CREATE FUNCTION "audit_event_is_append_only"() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN RAISE EXCEPTION ''AuditEvent is append-only: % is not allowed'', TG_OP USING ERRCODE = ''insufficient_privilege''\073 END\073';

CREATE TRIGGER "AuditEvent_no_update_delete"
  BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION "audit_event_is_append_only"();

CREATE TRIGGER "AuditEvent_no_truncate"
  BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_is_append_only"();

-- At most one rollback (or rehearsal) in flight per deployment, enforced here rather than by a
-- check-then-act in code. A FAILED operation still holds the slot until it is retried or cancelled.
CREATE UNIQUE INDEX "RollbackOperation_one_in_flight_per_deployment"
  ON "RollbackOperation" ("deploymentId")
  WHERE "status" IN ('REQUESTED', 'AWAITING_APPROVAL', 'APPROVED', 'EXECUTING', 'FAILED');

-- One open detection per deployment, metric and version: several evaluators never fire twice.
CREATE UNIQUE INDEX "Detection_one_open_per_version"
  ON "Detection" ("deploymentId", "metric", "versionId")
  WHERE "resolvedAt" IS NULL;

-- One live version per deployment.
CREATE UNIQUE INDEX "DeploymentVersion_one_live"
  ON "DeploymentVersion" ("deploymentId")
  WHERE "status" = 'LIVE';
