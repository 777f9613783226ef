-- A deployment's serving backend becomes a registered kind and that kind's configuration.
-- Existing deployments all used the Serving Control API over HTTP with the shared secret.
ALTER TABLE "Deployment" ADD COLUMN "servingConfig" JSONB;
UPDATE "Deployment" SET "servingConfig" = jsonb_build_object('baseUrl', "servingBaseUrl", 'secretEnv', 'SERVING_SECRET');
ALTER TABLE "Deployment" ALTER COLUMN "servingConfig" SET NOT NULL;

ALTER TABLE "Deployment" ALTER COLUMN "servingKind" DROP DEFAULT;
ALTER TABLE "Deployment" ALTER COLUMN "servingKind" TYPE TEXT USING lower("servingKind"::text);
ALTER TABLE "Deployment" DROP COLUMN "servingBaseUrl";
DROP TYPE "ServingKind";
