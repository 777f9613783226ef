-- AlterTable
ALTER TABLE "IdempotencyRecord" ADD COLUMN     "caller" TEXT NOT NULL DEFAULT '';
