-- CreateTable
CREATE TABLE "MetricRollup" (
    "deploymentId" INTEGER NOT NULL,
    "metric" TEXT NOT NULL,
    "versionId" INTEGER NOT NULL,
    "bucketStart" TIMESTAMPTZ(3) NOT NULL,
    "minTs" TIMESTAMPTZ(3) NOT NULL,
    "minValue" DOUBLE PRECISION NOT NULL,
    "minCount" INTEGER NOT NULL,
    "maxTs" TIMESTAMPTZ(3) NOT NULL,
    "maxValue" DOUBLE PRECISION NOT NULL,
    "maxCount" INTEGER NOT NULL,
    "points" INTEGER NOT NULL,

    CONSTRAINT "MetricRollup_pkey" PRIMARY KEY ("deploymentId","metric","versionId","bucketStart")
);

