// An MSP's own provider presets, next to the shipped ones: made, changed and deleted by MSP
// admins only (the router's builder). Hosts pass the one source parser and services the
// catalogue; a change to a preset that is switched on reaches exactly the servers it is on for,
// in the same transaction (runMutation). Shipped presets (builtIn) are refreshed by the seed at
// every start, so they are never changed here.
import { randomUUID } from "node:crypto";
import { GatehouseError, lookupServices, normaliseServiceIds, parsePresetHosts, type EntryScope, type ServiceId, type SourceFloors } from "@gatehouse/core";
import type { ProviderPreset, Tx } from "@gatehouse/db";
import { runMutation, type MutationContext } from "./mutation.ts";

export interface PresetFields {
  name: string;
  hosts: readonly string[];
  services: readonly ServiceId[];
  sourceUrl?: string | null | undefined;
  sourceNote?: string | null | undefined;
}

function presetAuditView(row: ProviderPreset) {
  return { id: row.id, name: row.name, hosts: row.hosts, services: row.services, sourceUrl: row.sourceUrl, sourceNote: row.sourceNote };
}

/** Catalogue services only: a preset is fleet-wide, and a tenant's custom service means nothing to another tenant. */
function checkedServices(ids: readonly ServiceId[]): ServiceId[] {
  try {
    lookupServices(ids, []);
  } catch (error) {
    if (error instanceof GatehouseError) throw new GatehouseError(error.code, error.message, { field: "services" });
    throw error;
  }
  return normaliseServiceIds(ids);
}

async function refuseTakenName(tx: Tx, name: string, exceptId?: string): Promise<void> {
  const taken = await tx.providerPreset.findFirst({ where: { name: { equals: name, mode: "insensitive" }, ...(exceptId ? { NOT: { id: exceptId } } : {}) }, select: { name: true } });
  if (taken !== null) throw new GatehouseError("CONFLICT", `a preset named ${taken.name} already exists`, { field: "name" });
}

async function ownPreset(tx: Tx, presetId: string, doing: string): Promise<ProviderPreset> {
  const row = await tx.providerPreset.findUnique({ where: { id: presetId } });
  if (row === null) throw new GatehouseError("NOT_FOUND", `provider preset ${presetId} not found`, { field: "presetId" });
  if (row.builtIn) throw new GatehouseError("FORBIDDEN", `${row.name} ships with Gatehouse and cannot be ${doing}; make a preset of your own instead`, { field: "presetId" });
  return row;
}

/** The servers a preset is switched on for: each tenant-wide switch and each single server. */
async function serversWithPreset(tx: Tx, presetId: string): Promise<EntryScope[]> {
  const switches = await tx.presetEnablement.findMany({ where: { presetId }, select: { tenantId: true, serverId: true } });
  return switches.map((row) => (row.serverId === null ? { kind: "TENANT", tenantId: row.tenantId } : { kind: "SERVER", serverId: row.serverId }));
}

export function createPreset(ctx: MutationContext, fields: PresetFields, floors: SourceFloors) {
  const hosts = parsePresetHosts(fields.hosts, floors);
  const services = checkedServices(fields.services);
  return runMutation(ctx, "preset.created", async (tx) => {
    await refuseTakenName(tx, fields.name);
    const row = await tx.providerPreset.create({ data: { id: randomUUID(), name: fields.name, hosts, services, sourceUrl: fields.sourceUrl ?? null, sourceNote: fields.sourceNote ?? null, builtIn: false } });
    return { result: row, audit: { tenantId: null, targetType: "providerPreset", targetId: row.id, after: presetAuditView(row) }, affected: [] };
  });
}

export function updatePreset(ctx: MutationContext, presetId: string, changes: Partial<PresetFields>, floors: SourceFloors) {
  const hosts = changes.hosts === undefined ? undefined : parsePresetHosts(changes.hosts, floors);
  const services = changes.services === undefined ? undefined : checkedServices(changes.services);
  return runMutation(ctx, "preset.updated", async (tx) => {
    const before = await ownPreset(tx, presetId, "changed");
    if (changes.name !== undefined) await refuseTakenName(tx, changes.name, presetId);
    const { name, sourceUrl, sourceNote } = changes;
    const row = await tx.providerPreset.update({ where: { id: presetId }, data: { name, hosts, services, sourceUrl, sourceNote } });
    return { result: row, audit: { tenantId: null, targetType: "providerPreset", targetId: row.id, before: presetAuditView(before), after: presetAuditView(row) }, affected: await serversWithPreset(tx, presetId) };
  });
}

/** Deletes the preset and every switch of it (the servers it was on for lose its hosts). */
export function deletePreset(ctx: MutationContext, presetId: string) {
  return runMutation(ctx, "preset.deleted", async (tx) => {
    const before = await ownPreset(tx, presetId, "deleted");
    const affected = await serversWithPreset(tx, presetId);
    const switches = await tx.presetEnablement.count({ where: { presetId } });
    await tx.providerPreset.delete({ where: { id: presetId } });
    return { result: { deleted: true, name: before.name, switches }, audit: { tenantId: null, targetType: "providerPreset", targetId: presetId, before: presetAuditView(before) }, affected };
  });
}
