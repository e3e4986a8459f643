-- CreateTable
CREATE TABLE "KnownSignInSource" (
    "account" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "KnownSignInSource_pkey" PRIMARY KEY ("account","source")
);

-- CreateIndex
CREATE INDEX "KnownSignInSource_expiresAt_idx" ON "KnownSignInSource"("expiresAt");
