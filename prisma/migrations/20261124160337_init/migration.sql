-- CreateEnum
CREATE TYPE "OperatorRole" AS ENUM ('MSP_ADMIN', 'TENANT_ADMIN', 'VIEWER');

-- CreateEnum
CREATE TYPE "EntryScope" AS ENUM ('FLEET', 'TENANT', 'GROUP', 'SERVER');

-- CreateEnum
CREATE TYPE "EntryOrigin" AS ENUM ('OPERATOR', 'PROVIDER', 'TRAVELER');

-- CreateEnum
CREATE TYPE "GrantChannel" AS ENUM ('IVR', 'LINK', 'OPERATOR');

-- CreateTable
CREATE TABLE "Tenant" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Tenant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Operator" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" "OperatorRole" NOT NULL,
    "tenantId" TEXT,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Operator_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "operatorId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "operatorId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Server" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "provider" TEXT NOT NULL DEFAULT 'other',
    "region" TEXT,
    "tags" TEXT[],
    "primaryAdminSource" TEXT,
    "lanRanges" TEXT[] DEFAULT ARRAY['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']::TEXT[],
    "mediaOpenToAll" BOOLEAN NOT NULL DEFAULT true,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "agentCredentialHash" TEXT,
    "enrollmentTokenHash" TEXT,
    "enrollmentExpiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "lastSeenAt" TIMESTAMP(3),
    "appliedRevision" INTEGER,
    "appliedHash" TEXT,
    "lastReport" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Server_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AllowEntry" (
    "id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "sourceKind" TEXT NOT NULL,
    "services" TEXT[],
    "scope" "EntryScope" NOT NULL,
    "tenantId" TEXT,
    "groupName" TEXT,
    "serverId" TEXT,
    "origin" "EntryOrigin" NOT NULL DEFAULT 'OPERATOR',
    "comment" TEXT NOT NULL DEFAULT '',
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3),
    "travelerGrantId" TEXT,

    CONSTRAINT "AllowEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustomService" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "protocol" TEXT NOT NULL,
    "portFrom" INTEGER NOT NULL,
    "portTo" INTEGER NOT NULL,
    "tenantId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CustomService_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProviderPreset" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hosts" TEXT[],
    "services" TEXT[],

    CONSTRAINT "ProviderPreset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PresetEnablement" (
    "id" TEXT NOT NULL,
    "presetId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "serverId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PresetEnablement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Traveler" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "accountNumber" TEXT NOT NULL,
    "pinHash" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "scopeGroups" TEXT[],
    "scopeServerIds" TEXT[],
    "services" TEXT[] DEFAULT ARRAY['sip', 'rtp', 'iax2', 'webrtc']::TEXT[],
    "grantLifetimeHours" INTEGER NOT NULL DEFAULT 168,
    "maxActiveGrants" INTEGER NOT NULL DEFAULT 3,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "failedPinCount" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Traveler_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TravelerGrant" (
    "id" TEXT NOT NULL,
    "travelerId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "channel" "GrantChannel" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "mailedAt" TIMESTAMP(3),
    "mailError" TEXT,

    CONSTRAINT "TravelerGrant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TravelerLink" (
    "id" TEXT NOT NULL,
    "travelerId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "TravelerLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuthFailure" (
    "id" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuthFailure_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FqdnAnswer" (
    "serverId" TEXT NOT NULL,
    "fqdn" TEXT NOT NULL,
    "addresses" TEXT[],
    "error" TEXT,
    "resolvedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FqdnAnswer_pkey" PRIMARY KEY ("serverId","fqdn")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "tenantId" TEXT,
    "targetType" TEXT,
    "targetId" TEXT,
    "before" JSONB,
    "after" JSONB,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Tenant_name_key" ON "Tenant"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Operator_email_key" ON "Operator"("email");

-- CreateIndex
CREATE INDEX "Operator_tenantId_idx" ON "Operator"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "Session_tokenHash_key" ON "Session"("tokenHash");

-- CreateIndex
CREATE INDEX "Session_operatorId_idx" ON "Session"("operatorId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiToken_operatorId_idx" ON "ApiToken"("operatorId");

-- CreateIndex
CREATE UNIQUE INDEX "Server_agentCredentialHash_key" ON "Server"("agentCredentialHash");

-- CreateIndex
CREATE UNIQUE INDEX "Server_enrollmentTokenHash_key" ON "Server"("enrollmentTokenHash");

-- CreateIndex
CREATE INDEX "Server_tenantId_idx" ON "Server"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "Server_tenantId_name_key" ON "Server"("tenantId", "name");

-- CreateIndex
CREATE INDEX "AllowEntry_scope_idx" ON "AllowEntry"("scope");

-- CreateIndex
CREATE INDEX "AllowEntry_tenantId_idx" ON "AllowEntry"("tenantId");

-- CreateIndex
CREATE INDEX "AllowEntry_serverId_idx" ON "AllowEntry"("serverId");

-- CreateIndex
CREATE INDEX "AllowEntry_expiresAt_idx" ON "AllowEntry"("expiresAt");

-- CreateIndex
CREATE INDEX "AllowEntry_travelerGrantId_idx" ON "AllowEntry"("travelerGrantId");

-- CreateIndex
CREATE INDEX "PresetEnablement_tenantId_idx" ON "PresetEnablement"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "PresetEnablement_presetId_tenantId_serverId_key" ON "PresetEnablement"("presetId", "tenantId", "serverId");

-- CreateIndex
CREATE UNIQUE INDEX "Traveler_accountNumber_key" ON "Traveler"("accountNumber");

-- CreateIndex
CREATE INDEX "Traveler_tenantId_idx" ON "Traveler"("tenantId");

-- CreateIndex
CREATE INDEX "TravelerGrant_travelerId_idx" ON "TravelerGrant"("travelerId");

-- CreateIndex
CREATE INDEX "TravelerGrant_expiresAt_idx" ON "TravelerGrant"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "TravelerLink_tokenHash_key" ON "TravelerLink"("tokenHash");

-- CreateIndex
CREATE INDEX "AuthFailure_subject_createdAt_idx" ON "AuthFailure"("subject", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "AuditEvent_tenantId_at_idx" ON "AuditEvent"("tenantId", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_action_idx" ON "AuditEvent"("action");

-- AddForeignKey
ALTER TABLE "Operator" ADD CONSTRAINT "Operator_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_operatorId_fkey" FOREIGN KEY ("operatorId") REFERENCES "Operator"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_operatorId_fkey" FOREIGN KEY ("operatorId") REFERENCES "Operator"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Server" ADD CONSTRAINT "Server_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AllowEntry" ADD CONSTRAINT "AllowEntry_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AllowEntry" ADD CONSTRAINT "AllowEntry_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AllowEntry" ADD CONSTRAINT "AllowEntry_travelerGrantId_fkey" FOREIGN KEY ("travelerGrantId") REFERENCES "TravelerGrant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomService" ADD CONSTRAINT "CustomService_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PresetEnablement" ADD CONSTRAINT "PresetEnablement_presetId_fkey" FOREIGN KEY ("presetId") REFERENCES "ProviderPreset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PresetEnablement" ADD CONSTRAINT "PresetEnablement_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PresetEnablement" ADD CONSTRAINT "PresetEnablement_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Traveler" ADD CONSTRAINT "Traveler_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TravelerGrant" ADD CONSTRAINT "TravelerGrant_travelerId_fkey" FOREIGN KEY ("travelerId") REFERENCES "Traveler"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TravelerLink" ADD CONSTRAINT "TravelerLink_travelerId_fkey" FOREIGN KEY ("travelerId") REFERENCES "Traveler"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FqdnAnswer" ADD CONSTRAINT "FqdnAnswer_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;
