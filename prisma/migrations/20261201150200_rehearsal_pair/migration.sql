-- AlterTable
ALTER TABLE "Rehearsal" ADD COLUMN     "liveVersionId" INTEGER,
ADD COLUMN     "priorVersionId" INTEGER;

-- AddForeignKey
ALTER TABLE "Rehearsal" ADD CONSTRAINT "Rehearsal_liveVersionId_fkey" FOREIGN KEY ("liveVersionId") REFERENCES "ModelVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rehearsal" ADD CONSTRAINT "Rehearsal_priorVersionId_fkey" FOREIGN KEY ("priorVersionId") REFERENCES "ModelVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Rehearsals that ran through an operation exercised its versions: from (live) back to (prior).
UPDATE "Rehearsal" r SET "liveVersionId" = o."fromVersionId", "priorVersionId" = o."toVersionId"
  FROM "RollbackOperation" o WHERE r."operationId" = o.id;
