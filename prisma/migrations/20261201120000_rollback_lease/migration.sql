-- CreateTable
CREATE TABLE "RollbackLease" (
    "operationId" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "token" INTEGER NOT NULL,
    "acquiredAt" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RollbackLease_pkey" PRIMARY KEY ("operationId")
);

-- AddForeignKey
ALTER TABLE "RollbackLease" ADD CONSTRAINT "RollbackLease_operationId_fkey" FOREIGN KEY ("operationId") REFERENCES "RollbackOperation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

