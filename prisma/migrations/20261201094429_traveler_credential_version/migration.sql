-- AlterTable
ALTER TABLE "Traveler" ADD COLUMN     "credentialVersion" INTEGER NOT NULL DEFAULT 0;
