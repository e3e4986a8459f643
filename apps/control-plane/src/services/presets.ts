// Provider presets: the VoIP trunk providers Travelin' Man 3 allowed by default, switched on per
// tenant (all its servers) or per server. A switched-on preset adds its hosts to the desired
// state of the servers it covers (see loadDesiredState), so switching bumps their revisions.
import { GatehouseError, storedPresetHost, type EntryScope } from "@gatehouse/core";
import type { PresetEnablement, Prisma, PrismaClient, ProviderPreset } from "@gatehouse/db";
import { iso } from "./listing.ts";
import { runMutation, type MutationContext } from "./mutation.ts";

/**
 * The presets are the shipped catalogue (a dozen or so); where each is switched on grows with
 * the servers, so one answer carries at most this many enablements per preset, and says when
 * there are more (filter by tenant or server to see them).
 */
const PRESET_ENABLEMENTS_MAX = 500;

function enablementView(row: PresetEnablement) {
  return { id: row.id, presetId: row.presetId, tenantId: row.tenantId, serverId: row.serverId, createdAt: iso(row.createdAt) };
}

function affectedByEnablement(row: Pick<PresetEnablement, "tenantId" | "serverId">): EntryScope {
  return row.serverId === null ? { kind: "TENANT", tenantId: row.tenantId } : { kind: "SERVER", serverId: row.serverId };
}

/** A preset as the API shows it: each host with where its addresses come from, and the preset's source. */
export function presetView(preset: ProviderPreset) {
  return {
    id: preset.id,
    name: preset.name,
    hosts: preset.hosts,
    hostOrigins: preset.hosts.map(storedPresetHost),
    services: preset.services,
    sourceUrl: preset.sourceUrl,
    sourceNote: preset.sourceNote,
    builtIn: preset.builtIn,
  };
}

/** Where a preset is switched on: a tenant (all its servers) or one server; exactly one of the two. */
export interface PresetTarget {
  tenantId?: string | undefined;
  serverId?: string | undefined;
}

/** Every preset (shipped and the MSP's own), with where it is switched on: within `ownTenant`, for `filter`'s tenant or server. */
export async function listPresets(prisma: PrismaClient, ownTenant: { tenantId?: string }, filter: { tenantId?: string | undefined; serverId?: string | undefined }) {
  const where: Prisma.PresetEnablementWhereInput = {
    ...(filter.tenantId ? { tenantId: filter.tenantId } : {}),
    ...(filter.serverId ? { OR: [{ serverId: null }, { serverId: filter.serverId }] } : {}),
    ...ownTenant,
  };
  if (filter.serverId) {
    const server = await prisma.server.findUniqueOrThrow({ where: { id: filter.serverId }, select: { tenantId: true } });
    where.tenantId = server.tenantId;
  }
  const presets = await prisma.providerPreset.findMany({
    orderBy: { name: "asc" },
    include: { enables: { where, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: PRESET_ENABLEMENTS_MAX + 1 } },
  });
  return presets.map((preset) => ({
    ...presetView(preset),
    enablements: preset.enables.slice(0, PRESET_ENABLEMENTS_MAX).map(enablementView),
    moreEnablements: preset.enables.length > PRESET_ENABLEMENTS_MAX,
  }));
}

export function enablePreset(ctx: MutationContext, presetId: string, target: PresetTarget) {
  return runMutation(ctx, "preset.enabled", async (tx) => {
    const preset = await tx.providerPreset.findUnique({ where: { id: presetId }, select: { id: true, name: true } });
    if (preset === null) throw new GatehouseError("NOT_FOUND", `provider preset ${presetId} not found`, { field: "presetId" });
    const tenantId = target.tenantId ?? (await tx.server.findUniqueOrThrow({ where: { id: target.serverId ?? "" }, select: { tenantId: true } })).tenantId;
    const serverId = target.serverId ?? null;
    const existing = await tx.presetEnablement.findFirst({ where: { presetId: preset.id, tenantId, serverId } });
    if (existing !== null) throw new GatehouseError("CONFLICT", `${preset.name} is already switched on here`);
    const row = await tx.presetEnablement.create({ data: { presetId: preset.id, tenantId, serverId, createdAt: ctx.now() } });
    const view = enablementView(row);
    return { result: view, audit: { tenantId, targetType: "presetEnablement", targetId: row.id, after: { ...view, presetName: preset.name } }, affected: [affectedByEnablement(row)] };
  });
}

export function disablePreset(ctx: MutationContext, presetEnablementId: string) {
  return runMutation(ctx, "preset.disabled", async (tx) => {
    const row = await tx.presetEnablement.delete({ where: { id: presetEnablementId } });
    return { result: { disabled: true }, audit: { tenantId: row.tenantId, targetType: "presetEnablement", targetId: row.id, before: enablementView(row) }, affected: [affectedByEnablement(row)] };
  });
}
