// Provider presets: the VoIP trunk providers Travelin' Man 3 allowed by default, switched on per
// tenant (all its servers) or per server (services/presets.ts).
import { z } from "zod";
import { disablePreset, enablePreset, listPresets } from "../../services/presets.ts";
import { idSchema } from "../inputs.ts";
import { createTRPCRouter, readProcedure, writeProcedure } from "../trpc.ts";

const enableInput = z
  .strictObject({ presetId: z.string().min(1).max(64), tenantId: idSchema.optional(), serverId: idSchema.optional() })
  .refine((input) => (input.tenantId === undefined) !== (input.serverId === undefined), { message: "give either a tenant or a server", path: ["tenantId"] });

export const presetsRouter = createTRPCRouter({
  /** Every shipped preset, with where it is switched on (within the caller's tenant). */
  list: readProcedure(z.strictObject({ tenantId: idSchema.optional(), serverId: idSchema.optional() }).default({})).query(({ ctx, input }) =>
    listPresets(ctx.app.prisma, ctx.access.ownTenant(), input),
  ),

  enable: writeProcedure(enableInput).mutation(({ ctx, input }) => {
    const { presetId, ...target } = input;
    return enablePreset(ctx.mutation, presetId, target);
  }),

  disable: writeProcedure(z.strictObject({ presetEnablementId: idSchema })).mutation(({ ctx, input }) => disablePreset(ctx.mutation, input.presetEnablementId)),
});
