// Provider presets: the VoIP trunk providers Travelin' Man 3 allowed by default, switched on per
// tenant (all its servers) or per server. A switched-on preset adds its hosts to the desired
// state of the servers it covers (see loadDesiredState), so switching bumps their revisions.
import { z } from "zod";
import { GatehouseError } from "@gatehouse/core";
import type { PresetEnablement } from "@gatehouse/db";
import { runMutation, type AffectedScope } from "../../services/mutation.ts";
import { idSchema, iso } from "../inputs.ts";
import { createTRPCRouter, readProcedure, writeProcedure } from "../trpc.ts";

/**
 * The presets are the shipped catalogue (a dozen or so); where each is switched on grows with
 * the servers, so one answer carries at most this many enablements per preset, and says when
 * there are more (filter by tenant or server to see them).
 */
export const PRESET_ENABLEMENTS_MAX = 500;

function enablementView(row: PresetEnablement) {
  return { id: row.id, presetId: row.presetId, tenantId: row.tenantId, serverId: row.serverId, createdAt: iso(row.createdAt) };
}

function affectedByEnablement(row: Pick<PresetEnablement, "tenantId" | "serverId">): AffectedScope {
  return row.serverId === null ? { scope: "TENANT", tenantId: row.tenantId } : { scope: "SERVER", serverId: row.serverId };
}

export const presetsRouter = createTRPCRouter({
  /** Every shipped preset, with where it is switched on (within the caller's tenant). */
  list: readProcedure(z.strictObject({ tenantId: idSchema.optional(), serverId: idSchema.optional() }).default({})).query(async ({ ctx, input }) => {
    const where = {
      ...(input.tenantId ? { tenantId: input.tenantId } : {}),
      ...(input.serverId ? { OR: [{ serverId: null }, { serverId: input.serverId }] } : {}),
      ...ctx.access.ownTenant(),
    };
    if (input.serverId) {
      const server = await ctx.app.prisma.server.findUniqueOrThrow({ where: { id: input.serverId }, select: { tenantId: true } });
      where.tenantId = server.tenantId;
    }
    const presets = await ctx.app.prisma.providerPreset.findMany({
      orderBy: { name: "asc" },
      include: { enables: { where, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: PRESET_ENABLEMENTS_MAX + 1 } },
    });
    return presets.map((preset) => ({
      id: preset.id,
      name: preset.name,
      hosts: preset.hosts,
      services: preset.services,
      enablements: preset.enables.slice(0, PRESET_ENABLEMENTS_MAX).map(enablementView),
      moreEnablements: preset.enables.length > PRESET_ENABLEMENTS_MAX,
    }));
  }),

  enable: writeProcedure(
      z
        .strictObject({ presetId: z.string().min(1).max(64), tenantId: idSchema.optional(), serverId: idSchema.optional() })
        .refine((input) => (input.tenantId === undefined) !== (input.serverId === undefined), { message: "give either a tenant or a server", path: ["tenantId"] }),
    )
    .mutation(({ ctx, input }) =>
      runMutation(ctx.mutation, "preset.enabled", async (tx) => {
        const preset = await tx.providerPreset.findUnique({ where: { id: input.presetId }, select: { id: true, name: true } });
        if (preset === null) throw new GatehouseError("NOT_FOUND", `provider preset ${input.presetId} not found`, { field: "presetId" });
        const tenantId = input.tenantId ?? (await tx.server.findUniqueOrThrow({ where: { id: input.serverId ?? "" }, select: { tenantId: true } })).tenantId;
        const serverId = input.serverId ?? null;
        const existing = await tx.presetEnablement.findFirst({ where: { presetId: preset.id, tenantId, serverId } });
        if (existing !== null) throw new GatehouseError("CONFLICT", `${preset.name} is already switched on here`);
        const row = await tx.presetEnablement.create({ data: { presetId: preset.id, tenantId, serverId, createdAt: ctx.app.now() } });
        const view = enablementView(row);
        return { result: view, audit: { tenantId, targetType: "presetEnablement", targetId: row.id, after: { ...view, presetName: preset.name } }, affected: [affectedByEnablement(row)] };
      }),
    ),

  disable: writeProcedure(z.strictObject({ presetEnablementId: idSchema })).mutation(({ ctx, input }) =>
    runMutation(ctx.mutation, "preset.disabled", async (tx) => {
      const row = await tx.presetEnablement.delete({ where: { id: input.presetEnablementId } });
      return { result: { disabled: true }, audit: { tenantId: row.tenantId, targetType: "presetEnablement", targetId: row.id, before: enablementView(row) }, affected: [affectedByEnablement(row)] };
    }),
  ),
});
