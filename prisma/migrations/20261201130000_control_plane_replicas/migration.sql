-- AlterTable
ALTER TABLE "Server" ADD COLUMN     "connectedAt" TIMESTAMP(3),
ADD COLUMN     "connectedReplicaId" TEXT;

-- CreateTable
CREATE TABLE "ControlPlaneReplica" (
    "id" TEXT NOT NULL,
    "listenUrl" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ControlPlaneReplica_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ClusterSecret" (
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ClusterSecret_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "Server_connectedReplicaId_idx" ON "Server"("connectedReplicaId");

-- AddForeignKey
ALTER TABLE "Server" ADD CONSTRAINT "Server_connectedReplicaId_fkey" FOREIGN KEY ("connectedReplicaId") REFERENCES "ControlPlaneReplica"("id") ON DELETE SET NULL ON UPDATE CASCADE;
