// Allow entries: who may reach which services on the servers a scope covers. Each change runs
// through runMutation, so the audit event and the revisions of exactly the covered servers are
// written with it. The traveler grants (travelers/) write their entries in their own mutation.
import {
  checkCountryServices,
  entryScopeOf,
  GatehouseError,
  lookupServices,
  normaliseServiceIds,
  storedScope,
  type EntryScope,
  type EntryScopeKind,
  type ParsedSource,
  type ServiceId,
  type StoredScope,
} from "@gatehouse/core";
import type { AllowEntry, Db, EntryOrigin, Prisma, PrismaClient, Tx } from "@gatehouse/db";
import { entriesCoveringServer, visibleCustomServices } from "./desired-state.ts";
import { afterCursor, encodeCursor, pageOf, timeOrder, type Page, type PageRequest } from "./listing.ts";
import { runMutation, type MutationContext } from "./mutation.ts";

export interface NewEntry {
  source: ParsedSource;
  /** Always named: an entry never opens every service unless "all" is asked for. */
  services: readonly ServiceId[];
  scope: EntryScope;
  comment?: string;
  expiresAt?: Date | null;
  origin?: EntryOrigin;
  createdById?: string | null;
  travelerGrantId?: string | null;
}

/** What the audit log keeps of an entry. */
export function entryAuditView(entry: AllowEntry) {
  const { id: _id, createdById: _by, ...rest } = entry;
  return rest;
}

/** The row's scope columns; a server's entry also keeps the server's tenant. */
export async function scopeColumns(tx: Db, scope: EntryScope): Promise<StoredScope> {
  if (scope.kind !== "SERVER") return storedScope(scope);
  const server = await tx.server.findUniqueOrThrow({ where: { id: scope.serverId }, select: { tenantId: true } });
  return storedScope(scope, server.tenantId);
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
  if (entry.source.kind === "country") checkCountryServices(entry.source.canonical, entry.services);
  return runMutation(ctx, action, async (tx) => {
    const scope = await scopeColumns(tx, entry.scope);
    const services = await checkedServices(tx, entry.services, scope.tenantId);
    const duplicate = await liveDuplicate(tx, scope, entry.source.canonical, now);
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
    return { result: created, audit: { tenantId: created.tenantId, targetType: "allowEntry", targetId: created.id, after: entryAuditView(created) }, affected: [entryScopeOf(created)] };
  });
}

export async function removeEntry(ctx: MutationContext, entryId: string, action = "entry.removed"): Promise<AllowEntry> {
  return runMutation(ctx, action, async (tx) => {
    const entry = await tx.allowEntry.delete({ where: { id: entryId } });
    return { result: entry, audit: { tenantId: entry.tenantId, targetType: "allowEntry", targetId: entry.id, before: entryAuditView(entry) }, affected: [entryScopeOf(entry)] };
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
      affected: [entryScopeOf(after)],
    };
  });
}

/** What an operator may change of an entry; the source stays (a new source is a new entry). */
export interface EntryChanges {
  services?: readonly ServiceId[] | undefined;
  comment?: string | undefined;
  scope?: EntryScope | undefined;
}

/** An unexpired entry of `source` in `scope` other than `exceptId`, or null. */
async function liveDuplicate(tx: Tx, scope: StoredScope, source: string, now: Date, exceptId?: string): Promise<{ id: string } | null> {
  return tx.allowEntry.findFirst({
    where: { ...scope, source, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }], ...(exceptId ? { id: { not: exceptId } } : {}) },
    select: { id: true },
  });
}

/**
 * Changes an operator's entry in place. A move to another scope bumps the servers of both the
 * old and the new scope (the old ones close it, the new ones open it) in the same transaction.
 * A traveler's entry belongs to its grant and is changed there.
 */
export async function updateEntry(ctx: MutationContext, entryId: string, changes: EntryChanges): Promise<AllowEntry> {
  return runMutation(ctx, "entry.updated", async (tx) => {
    const before = await tx.allowEntry.findUniqueOrThrow({ where: { id: entryId } });
    if (before.origin === "TRAVELER") throw new GatehouseError("BAD_INPUT", "this entry belongs to a traveler's grant; change or revoke the grant instead", { field: "entryId" });
    if (before.sourceKind === "country" && changes.services) checkCountryServices(before.source, changes.services);
    const scope = changes.scope ? await scopeColumns(tx, changes.scope) : entryScopeColumns(before);
    const services = await checkedServices(tx, changes.services ?? before.services, scope.tenantId);
    const duplicate = changes.scope ? await liveDuplicate(tx, scope, before.source, ctx.now(), before.id) : null;
    if (duplicate !== null) {
      throw new GatehouseError("CONFLICT", `${before.source} is already allowed in that scope (entry ${duplicate.id}); change that entry instead`, { field: "scope", entryId: duplicate.id });
    }
    const after = await tx.allowEntry.update({ where: { id: entryId }, data: { ...scope, services, comment: changes.comment ?? before.comment } });
    return {
      result: after,
      audit: [
        { tenantId: after.tenantId, targetType: "allowEntry", targetId: after.id, before: entryAuditView(before), after: entryAuditView(after) },
        // The old tenant's log shows the entry leaving it, too.
        ...(before.tenantId !== after.tenantId && before.tenantId !== null
          ? [{ tenantId: before.tenantId, targetType: "allowEntry", targetId: after.id, before: entryAuditView(before), after: entryAuditView(after) }]
          : []),
      ],
      affected: [entryScopeOf(before), entryScopeOf(after)],
    };
  });
}

function entryScopeColumns(row: AllowEntry): StoredScope {
  return { scope: row.scope, tenantId: row.tenantId, groupName: row.groupName, serverId: row.serverId };
}

type ServerScopeKey = Parameters<typeof entriesCoveringServer>[0];

export interface EntryFilter extends PageRequest {
  scope?: EntryScopeKind | undefined;
  tenantId?: string | undefined;
  /** Entries that reach this server: fleet, its tenant, its groups, itself. */
  serverId?: string | undefined;
  group?: string | undefined;
  /** Substring of the canonical source. */
  source?: string | undefined;
  origin?: EntryOrigin | undefined;
  includeExpired: boolean;
}

function entryConditions(ownTenantId: string | null, filter: EntryFilter, now: Date, server: ServerScopeKey | null): Prisma.AllowEntryWhereInput[] {
  const and: Prisma.AllowEntryWhereInput[] = [];
  if (ownTenantId !== null) and.push({ OR: [{ tenantId: ownTenantId }, { scope: "FLEET" }] });
  if (server) and.push(entriesCoveringServer(server));
  if (filter.scope) and.push({ scope: filter.scope });
  if (filter.tenantId) and.push({ tenantId: filter.tenantId });
  if (filter.group) and.push({ groupName: filter.group });
  // Sources are canonical: lower case but for a country code (country:CA), so case is ignored.
  if (filter.source) and.push({ source: { contains: filter.source.trim(), mode: "insensitive" } });
  if (filter.origin) and.push({ origin: filter.origin });
  if (!filter.includeExpired) and.push({ OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] });
  return and;
}

/**
 * A page of entries, newest first, and how many match the filter in all (so a page can say
 * "1-100 of 734"); a tenant's operator (`ownTenantId`) sees their tenant's and the fleet's.
 */
export async function listEntries(prisma: PrismaClient, ownTenantId: string | null, filter: EntryFilter, now: Date): Promise<Page<AllowEntry> & { total: number }> {
  const server = filter.serverId
    ? await prisma.server.findUniqueOrThrow({ where: { id: filter.serverId }, select: { id: true, tenantId: true, tags: true } })
    : null;
  const and = entryConditions(ownTenantId, filter, now, server);
  const [rows, total] = await Promise.all([
    prisma.allowEntry.findMany({ where: { AND: [...and, afterCursor<Prisma.AllowEntryWhereInput>("createdAt", filter.cursor)] }, orderBy: timeOrder("createdAt"), take: filter.limit + 1 }),
    prisma.allowEntry.count({ where: { AND: and } }),
  ]);
  return { ...pageOf(rows, filter.limit, (last) => encodeCursor(last.createdAt, last.id)), total };
}
