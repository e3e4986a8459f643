-- CreateTable
CREATE TABLE "OperatorInvite" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "OperatorRole" NOT NULL,
    "tenantId" TEXT,
    "invitedById" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "acceptedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "OperatorInvite_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "OperatorInvite_tokenHash_key" ON "OperatorInvite"("tokenHash");

-- CreateIndex
CREATE INDEX "OperatorInvite_tenantId_createdAt_idx" ON "OperatorInvite"("tenantId", "createdAt");

-- AddForeignKey
ALTER TABLE "OperatorInvite" ADD CONSTRAINT "OperatorInvite_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperatorInvite" ADD CONSTRAINT "OperatorInvite_invitedById_fkey" FOREIGN KEY ("invitedById") REFERENCES "Operator"("id") ON DELETE CASCADE ON UPDATE CASCADE;
