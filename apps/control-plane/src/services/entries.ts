// Allow entries: who may reach which services on the servers a scope covers. Each change runs
// through runMutation, so the audit event and the revisions of exactly the covered servers are
// written with it. The traveler grants (travelers/) create their entries with addEntry too.
import {
  DEFAULT_ENTRY_SERVICES,
  GatehouseError,
  lookupServices,
  normaliseServiceIds,
  type ParsedSource,
  type ServiceId,
} from "@gatehouse/core";
import type { AllowEntry, EntryOrigin, Tx } from "@gatehouse/db";
import { visibleCustomServices } from "./desired-state.ts";
import { runMutation, type AffectedScope, type MutationContext } from "./mutation.ts";

export type EntryTarget =
  | { kind: "FLEET" }
  | { kind: "TENANT"; tenantId: string }
  | { kind: "GROUP"; tenantId: string; group: string }
  | { kind: "SERVER"; serverId: string };

export interface NewEntry {
  source: ParsedSource;
  services?: readonly ServiceId[];
  target: EntryTarget;
  comment?: string;
  expiresAt?: Date | null;
  origin?: EntryOrigin;
  createdById?: string | null;
  travelerGrantId?: string | null;
}

/** The servers an entry (as stored) reaches. */
export function affectedByEntry(entry: Pick<AllowEntry, "scope" | "tenantId" | "groupName" | "serverId">): AffectedScope {
  switch (entry.scope) {
    case "FLEET":
      return { scope: "FLEET" };
    case "TENANT":
      return { scope: "TENANT", tenantId: entry.tenantId ?? "" };
    case "GROUP":
      return { scope: "GROUP", tenantId: entry.tenantId ?? "", groupName: entry.groupName ?? "" };
    case "SERVER":
      return { scope: "SERVER", serverId: entry.serverId ?? "" };
  }
}

/** What the audit log keeps of an entry. */
export function entryAuditView(entry: AllowEntry) {
  const { id: _id, createdById: _by, ...rest } = entry;
  return rest;
}

interface StoredScope {
  scope: AllowEntry["scope"];
  tenantId: string | null;
  groupName: string | null;
  serverId: string | null;
}

async function storedScope(tx: Tx, target: EntryTarget): Promise<StoredScope> {
  switch (target.kind) {
    case "FLEET":
      return { scope: "FLEET", tenantId: null, groupName: null, serverId: null };
    case "TENANT":
      return { scope: "TENANT", tenantId: target.tenantId, groupName: null, serverId: null };
    case "GROUP":
      return { scope: "GROUP", tenantId: target.tenantId, groupName: target.group, serverId: null };
    case "SERVER": {
      const server = await tx.server.findUniqueOrThrow({ where: { id: target.serverId }, select: { tenantId: true } });
      return { scope: "SERVER", tenantId: server.tenantId, groupName: null, serverId: target.serverId };
    }
  }
}

/** Catalogue ids and the custom services the scope can see; "all" absorbs the rest. */
async function checkedServices(tx: Tx, ids: readonly ServiceId[], tenantId: string | null): Promise<ServiceId[]> {
  // A fleet-wide entry may use only fleet-wide custom services (no tenant id matches "").
  const custom = await visibleCustomServices(tx, tenantId ?? "");
  try {
    lookupServices(ids, custom);
  } catch (error) {
    if (error instanceof GatehouseError) throw new GatehouseError(error.code, error.message, { ...error.details, field: "services" });
    throw error;
  }
  return normaliseServiceIds(ids);
}

export async function addEntry(ctx: MutationContext, entry: NewEntry, action = "entry.created"): Promise<AllowEntry> {
  const now = ctx.now();
  if (entry.expiresAt && entry.expiresAt <= now) {
    throw new GatehouseError("BAD_INPUT", "the expiry must be in the future", { field: "expiresAt" });
  }
  return runMutation(ctx, action, async (tx) => {
    const scope = await storedScope(tx, entry.target);
    const services = await checkedServices(tx, entry.services ?? DEFAULT_ENTRY_SERVICES, scope.tenantId);
    const duplicate = await tx.allowEntry.findFirst({
      where: { ...scope, source: entry.source.canonical, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
      select: { id: true },
    });
    if (duplicate !== null) {
      throw new GatehouseError("CONFLICT", `${entry.source.canonical} is already allowed in this scope (entry ${duplicate.id}); change that entry instead`, { field: "source", entryId: duplicate.id });
    }
    const created = await tx.allowEntry.create({
      data: {
        ...scope,
        source: entry.source.canonical,
        sourceKind: entry.source.kind,
        services,
        origin: entry.origin ?? "OPERATOR",
        comment: entry.comment ?? "",
        createdById: entry.createdById ?? null,
        createdAt: now,
        expiresAt: entry.expiresAt ?? null,
        travelerGrantId: entry.travelerGrantId ?? null,
      },
    });
    return { result: created, audit: { tenantId: created.tenantId, targetType: "allowEntry", targetId: created.id, after: entryAuditView(created) }, affected: [affectedByEntry(created)] };
  });
}

export async function removeEntry(ctx: MutationContext, entryId: string, action = "entry.removed"): Promise<AllowEntry> {
  return runMutation(ctx, action, async (tx) => {
    const entry = await tx.allowEntry.delete({ where: { id: entryId } });
    return { result: entry, audit: { tenantId: entry.tenantId, targetType: "allowEntry", targetId: entry.id, before: entryAuditView(entry) }, affected: [affectedByEntry(entry)] };
  });
}

export async function setEntryExpiry(ctx: MutationContext, entryId: string, expiresAt: Date | null): Promise<AllowEntry> {
  if (expiresAt !== null && expiresAt <= ctx.now()) {
    throw new GatehouseError("BAD_INPUT", "the expiry must be in the future (remove the entry to close it now)", { field: "expiresAt" });
  }
  return runMutation(ctx, "entry.expiry_set", async (tx) => {
    const before = await tx.allowEntry.findUniqueOrThrow({ where: { id: entryId } });
    const after = await tx.allowEntry.update({ where: { id: entryId }, data: { expiresAt } });
    return {
      result: after,
      audit: { tenantId: after.tenantId, targetType: "allowEntry", targetId: after.id, before: { expiresAt: before.expiresAt }, after: { expiresAt: after.expiresAt } },
      affected: [affectedByEntry(after)],
    };
  });
}
