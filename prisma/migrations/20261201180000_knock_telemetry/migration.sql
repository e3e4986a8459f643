-- CreateTable
CREATE TABLE "KnockBucket" (
    "serverId" TEXT NOT NULL,
    "resolution" TEXT NOT NULL,
    "bucketStart" TIMESTAMP(3) NOT NULL,
    "sources" INTEGER NOT NULL,
    "packets" BIGINT NOT NULL,

    CONSTRAINT "KnockBucket_pkey" PRIMARY KEY ("serverId","resolution","bucketStart")
);

-- CreateTable
CREATE TABLE "KnockSource" (
    "serverId" TEXT NOT NULL,
    "resolution" TEXT NOT NULL,
    "bucketStart" TIMESTAMP(3) NOT NULL,
    "source" TEXT NOT NULL,
    "packets" BIGINT NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "ports" JSONB NOT NULL,
    "portsTried" INTEGER NOT NULL,

    CONSTRAINT "KnockSource_pkey" PRIMARY KEY ("serverId","resolution","bucketStart","source")
);

-- CreateIndex
CREATE INDEX "KnockBucket_resolution_bucketStart_idx" ON "KnockBucket"("resolution", "bucketStart");

-- CreateIndex
CREATE INDEX "KnockSource_resolution_bucketStart_idx" ON "KnockSource"("resolution", "bucketStart");

-- AddForeignKey
ALTER TABLE "KnockBucket" ADD CONSTRAINT "KnockBucket_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KnockSource" ADD CONSTRAINT "KnockSource_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;
