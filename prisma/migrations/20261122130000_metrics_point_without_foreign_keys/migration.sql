-- DropForeignKey
ALTER TABLE "MetricPoint" DROP CONSTRAINT "MetricPoint_deploymentId_fkey";

-- DropForeignKey
ALTER TABLE "MetricPoint" DROP CONSTRAINT "MetricPoint_versionId_fkey";

