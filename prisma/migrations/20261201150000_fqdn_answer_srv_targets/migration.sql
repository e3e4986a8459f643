-- AlterTable
ALTER TABLE "FqdnAnswer" ADD COLUMN     "targets" JSONB;
