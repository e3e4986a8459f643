// What a server's agent should enforce, as data (the desired state and its hash), as the
// compiler's exact output for both backends, and as an `iptables -nL`-style listing; and what
// it makes of one address (explain).
import { z } from "zod";
import { GatehouseError, parseObservedAddress } from "@gatehouse/core";
import { loadDesiredState } from "../../services/desired-state.ts";
import { explainOnServer } from "../../services/explain.ts";
import { compileForDisplay } from "../../services/ruleset-listing.ts";
import { countExplain } from "../explain-rate.ts";
import { idSchema } from "../inputs.ts";
import { createTRPCRouter, readProcedure } from "../trpc.ts";

/** One IP address, by the one source parser (no CIDR, no host name). */
const addressSchema = z
  .string()
  .max(64)
  .transform((text, context) => {
    try {
      return parseObservedAddress(text).canonical;
    } catch (error) {
      if (!(error instanceof GatehouseError)) throw error;
      context.addIssue({ code: "custom", message: error.message });
      return z.NEVER;
    }
  });

export const rulesetsRouter = createTRPCRouter({
  effective: readProcedure(z.strictObject({ serverId: idSchema })).query(async ({ ctx, input }) => {
    const loaded = await loadDesiredState(ctx.app.prisma, input.serverId, ctx.app.now());
    if (loaded === null) throw new Error("server vanished after the access check");
    const heading = `# ${loaded.server.name}: desired revision ${loaded.revision}, state ${loaded.hash.slice(0, 12)}${loaded.server.revokedAt ? " (REVOKED: no agent receives this)" : ""}`;
    const { listing, fqdns, ...compiled } = compileForDisplay(loaded.state, heading);
    return { serverId: loaded.server.id, revision: loaded.revision, hash: loaded.hash, desiredState: loaded.state, compiled, fqdns, listing };
  }),

  explain: readProcedure(z.strictObject({ serverId: idSchema, address: addressSchema })).query(async ({ ctx, input }) => {
    countExplain(ctx.app, ctx.actor.operatorId);
    const explained = await explainOnServer(ctx.app, input.serverId, input.address);
    if (explained === null) throw new Error("server vanished after the access check");
    return explained;
  }),
});
