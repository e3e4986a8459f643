// Operators manage travelers and their grants through the API. Thin procedures: parse, let the
// builders check access (every travelerId/grantId/tenantId/scopeServerIds is resolved to its
// tenant in access.ts), call the travelers service (travelers/), return plain JSON (instants as
// ISO text).
import { z } from "zod";
import { serviceIdsSchema } from "@gatehouse/core";
import { iso } from "../../services/listing.ts";
import { createTRPCRouter, readProcedure, writeProcedure } from "../trpc.ts";
import { groupNameSchema, idSchema, LIST_PAGE_DEFAULT, listPageSchema, nameSchema, noInput } from "../inputs.ts";
import { createTraveler, deleteTraveler, getTraveler, listTravelers, resetPin, updateTraveler, type TravelerView } from "../../travelers/accounts.ts";
import { grantView, listGrants } from "../../travelers/grant-list.ts";
import { createGrant, revokeGrant } from "../../travelers/grants.ts";
import { phoneSetupOf } from "../../travelers/phone-setup.ts";
import { PIN_MAX_DIGITS, PIN_MIN_DIGITS } from "../../travelers/pin.ts";

const pinSchema = z.string().regex(new RegExp(`^[0-9]{${PIN_MIN_DIGITS},${PIN_MAX_DIGITS}}$`), `a PIN is ${PIN_MIN_DIGITS} to ${PIN_MAX_DIGITS} digits`);

const settingsSchema = z.strictObject({
  name: nameSchema,
  email: z.email(),
  /** Empty groups and servers = the whole tenant. */
  scopeGroups: z.array(groupNameSchema).max(100).default([]),
  scopeServerIds: z.array(idSchema).max(1000).default([]),
  services: serviceIdsSchema.default(["sip", "rtp", "iax2", "webrtc"]),
  grantLifetimeHours: z.number().int().min(1).max(24 * 366).default(168),
  maxActiveGrants: z.number().int().min(1).max(50).default(3),
  enabled: z.boolean().default(true),
});

function travelerOutput(traveler: TravelerView) {
  return { ...traveler, lockedUntil: iso(traveler.lockedUntil), createdAt: iso(traveler.createdAt) };
}

export const travelersRouter = createTRPCRouter({
  /** The phone side as travelers meet it: the number they call, whether the IVR answers, where mail goes. */
  phoneSetup: readProcedure(noInput).query(({ ctx }) => phoneSetupOf(ctx.app)),

  /** A page of travelers by name (at most LIST_PAGE_MAX); follow `nextCursor` for the rest. */
  list: readProcedure(listPageSchema.extend({ tenantId: idSchema.optional() }).default(LIST_PAGE_DEFAULT)).query(async ({ ctx, input }) => {
    const tenantIds = input.tenantId ? [input.tenantId] : ctx.access.tenantId ? [ctx.access.tenantId] : null;
    const { travelers, nextCursor } = await listTravelers(ctx.app.travelers, tenantIds, input);
    return { travelers: travelers.map(travelerOutput), nextCursor };
  }),

  get: readProcedure(z.strictObject({ travelerId: idSchema })).query(async ({ ctx, input }) => travelerOutput(await getTraveler(ctx.app.travelers, input.travelerId))),

  /** The account number is drawn by the control plane; without a PIN, one is generated and returned once in `generatedPin`. */
  create: writeProcedure(settingsSchema.extend({ tenantId: idSchema, pin: pinSchema.optional() }))
    .mutation(async ({ ctx, input }) => {
      const { traveler, generatedPin } = await createTraveler(ctx.app.travelers, ctx.mutation.actor, input);
      return { traveler: travelerOutput(traveler), generatedPin };
    }),

  /** Scope, services and lifetime apply to the next grant; disabling ends the current ones. */
  update: writeProcedure(settingsSchema.partial().extend({ travelerId: idSchema }))
    .mutation(async ({ ctx, input }) => {
      const { travelerId, ...patch } = input;
      const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
      return travelerOutput(await updateTraveler(ctx.app.travelers, ctx.mutation.actor, travelerId, defined));
    }),

  setEnabled: writeProcedure(z.strictObject({ travelerId: idSchema, enabled: z.boolean() })).mutation(async ({ ctx, input }) =>
    travelerOutput(await updateTraveler(ctx.app.travelers, ctx.mutation.actor, input.travelerId, { enabled: input.enabled })),
  ),

  /** Sets the given PIN, or generates one (returned once); lifts a lockout. */
  resetPin: writeProcedure(z.strictObject({ travelerId: idSchema, pin: pinSchema.optional() })).mutation(async ({ ctx, input }) =>
    resetPin(ctx.app.travelers, ctx.mutation.actor, input.travelerId, input.pin),
  ),

  delete: writeProcedure(z.strictObject({ travelerId: idSchema })).mutation(async ({ ctx, input }) => {
    await deleteTraveler(ctx.app.travelers, ctx.mutation.actor, input.travelerId);
    return { deleted: true };
  }),

  /** A page of grants, newest first (at most LIST_PAGE_MAX); follow `nextCursor` for the rest. */
  grants: readProcedure(
      listPageSchema
        .extend({ travelerId: idSchema.optional(), tenantId: idSchema.optional(), activeOnly: z.boolean().default(true) })
        .default({ ...LIST_PAGE_DEFAULT, activeOnly: true }),
    )
    .query(({ ctx, input }) => listGrants(ctx.app.prisma, { ...input, tenantId: input.tenantId ?? ctx.access.tenantId ?? undefined }, ctx.app.now())),

  /** An operator allows an address for a traveler (channel OPERATOR), as if they had called. */
  grant: writeProcedure(z.strictObject({ travelerId: idSchema, address: z.string().min(2).max(64) })).mutation(async ({ ctx, input }) => {
    const travelers = ctx.app.travelers;
    const { grant } = await createGrant(travelers, { travelerId: input.travelerId, address: input.address, channel: "OPERATOR", actor: ctx.mutation.actor });
    return grantView(grant, ctx.app.now());
  }),

  revokeGrant: writeProcedure(z.strictObject({ grantId: idSchema })).mutation(async ({ ctx, input }) =>
    grantView(await revokeGrant(ctx.app.travelers, { grantId: input.grantId, actor: ctx.mutation.actor }), ctx.app.now()),
  ),
});
