-- CreateEnum
CREATE TYPE "WebhookKind" AS ENUM ('SLACK', 'PAGERDUTY');

-- AlterTable
ALTER TABLE "Webhook" ADD COLUMN     "kind" "WebhookKind" NOT NULL DEFAULT 'SLACK';

