// The geo database this control plane uses (src/geo.ts): its version, how many countries it
// knows, and the attribution its licence asks for. Any signed-in operator may read it; it holds
// no tenant's data.
import { TRPCError } from "@trpc/server";
import { noInput } from "../inputs.ts";
import { createTRPCRouter, selfProcedure } from "../trpc.ts";

export const geoRouter = createTRPCRouter({
  /** { version, countries, attribution }; loads the database if nothing has yet. */
  status: selfProcedure(noInput).query(async ({ ctx }) => {
    const database = await ctx.app.geo.database();
    if (database === null) throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: `the geo database ${ctx.app.geo.version} could not be loaded (see the control plane's log)` });
    return { version: database.version, countries: database.countryCodes().length, attribution: ctx.app.geo.attribution };
  }),
});
