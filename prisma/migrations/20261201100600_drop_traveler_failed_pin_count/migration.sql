-- AlterTable
ALTER TABLE "Traveler" DROP COLUMN "failedPinCount";
