-- CreateTable
CREATE TABLE "GeoDatabaseRecord" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" TEXT NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GeoDatabaseRecord_pkey" PRIMARY KEY ("id")
);
