// Provider presets: the VoIP trunk providers Travelin' Man 3 allowed by default and the carriers
// shipped since, plus an MSP's own, switched on per tenant (all its servers) or per server
// (services/presets.ts). Only MSP admins make, change or delete presets (services/msp-presets.ts).
import { z } from "zod";
import { PRESET_HOSTS_MAX } from "@gatehouse/core";
import { createPreset, deletePreset, updatePreset } from "../../services/msp-presets.ts";
import { disablePreset, enablePreset, listPresets, presetView } from "../../services/presets.ts";
import { idSchema, nameSchema } from "../inputs.ts";
import { createTRPCRouter, mspAdminProcedure, readProcedure, writeProcedure } from "../trpc.ts";

const presetIdSchema = z.string().min(1).max(64);

/** Parsed by core's source parser in the service, which says what is wrong with which host. */
const hostsSchema = z.array(z.string().max(300)).max(PRESET_HOSTS_MAX, `a preset has at most ${PRESET_HOSTS_MAX} hosts`);

const presetFields = {
  name: nameSchema,
  hosts: hostsSchema,
  services: z.array(z.string().min(1).max(21)).min(1, "choose at least one service").max(32),
  sourceUrl: z.url({ protocol: /^https?$/, message: "give the provider's page as an http(s) URL" }).max(500).nullable().optional(),
  sourceNote: z.string().trim().max(500).nullable().optional(),
};

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

  /** An MSP's own preset, switched on for nobody yet. */
  create: mspAdminProcedure(z.strictObject(presetFields)).mutation(async ({ ctx, input }) => presetView(await createPreset(ctx.mutation, input, ctx.app.sourceFloors))),

  /** Changes an MSP preset; the servers it is switched on for get a new revision. Shipped presets are refused. */
  update: mspAdminProcedure(z.strictObject({ presetId: presetIdSchema, ...z.strictObject(presetFields).partial().shape })).mutation(async ({ ctx, input }) => {
    const { presetId, ...changes } = input;
    return presetView(await updatePreset(ctx.mutation, presetId, changes, ctx.app.sourceFloors));
  }),

  /** Deletes an MSP preset with every switch of it. Shipped presets are refused. */
  delete: mspAdminProcedure(z.strictObject({ presetId: presetIdSchema })).mutation(({ ctx, input }) => deletePreset(ctx.mutation, input.presetId)),

  disable: writeProcedure(z.strictObject({ presetEnablementId: idSchema })).mutation(({ ctx, input }) => disablePreset(ctx.mutation, input.presetEnablementId)),
});
