// What a server's agent should enforce, as data (the desired state and its hash), as the
// compiler's exact output for both backends, and as an `iptables -nL`-style listing.
import { z } from "zod";
import { loadDesiredState } from "../../services/desired-state.ts";
import { compileForDisplay } from "../../services/ruleset-listing.ts";
import { idSchema } from "../inputs.ts";
import { createTRPCRouter, readProcedure } from "../trpc.ts";

export const rulesetsRouter = createTRPCRouter({
  effective: readProcedure(z.strictObject({ serverId: idSchema })).query(async ({ ctx, input }) => {
    const loaded = await loadDesiredState(ctx.app.prisma, input.serverId, ctx.app.now());
    if (loaded === null) throw new Error("server vanished after the access check");
    const heading = `# ${loaded.server.name}: desired revision ${loaded.revision}, state ${loaded.hash.slice(0, 12)}${loaded.server.revokedAt ? " (REVOKED: no agent receives this)" : ""}`;
    const { listing, fqdns, ...compiled } = compileForDisplay(loaded.state, heading);
    return { serverId: loaded.server.id, revision: loaded.revision, hash: loaded.hash, desiredState: loaded.state, compiled, fqdns, listing };
  }),
});
