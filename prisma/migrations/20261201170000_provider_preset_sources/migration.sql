-- AlterTable
ALTER TABLE "ProviderPreset" ADD COLUMN     "builtIn" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "sourceNote" TEXT,
ADD COLUMN     "sourceUrl" TEXT;
