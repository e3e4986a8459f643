// Messages the hub sends to an agent. A `state` is a full snapshot and always resets the
// receiver (tailscale's rule): a missed `changed` can never leave an agent wrong.
import { z } from "zod";
import { desiredStateSchema } from "./desired-state-schema.ts";
import { setLookupRequestSchema } from "./set-lookup.ts";
import { countryNetworksSchema } from "./country-networks.ts";

const revisionSchema = z.number().int().min(0);

const stateSchema = z.object({
  type: z.literal("state"),
  revision: revisionSchema,
  /** hashDesiredState(state). */
  hash: z.string().max(128),
  state: desiredStateSchema,
});

/** A change notification carries a revision number, never the list; the agent replies `fetch`. */
const changedSchema = z.object({ type: z.literal("changed"), revision: revisionSchema });

/** Confirms a report of this revision (commit-confirm). */
const ackSchema = z.object({ type: z.literal("ack"), revision: revisionSchema });

/** The credential is no longer valid: the agent stops and says so. */
const revokedSchema = z.object({ type: z.literal("revoked"), reason: z.string().max(1024) });

const errorSchema = z.object({ type: z.literal("error"), message: z.string().max(1024) });

export const hubMessageSchema = z.discriminatedUnion("type", [
  stateSchema,
  changedSchema,
  ackSchema,
  revokedSchema,
  errorSchema,
  setLookupRequestSchema,
  countryNetworksSchema,
]);

export type StateMessage = z.infer<typeof stateSchema>;
// Every message of the wire has its name here, whether or not a side names it yet (@public:
// knip does not count those as dead).
/** @public */
export type ChangedMessage = z.infer<typeof changedSchema>;
/** @public */
export type AckMessage = z.infer<typeof ackSchema>;
/** @public */
export type RevokedMessage = z.infer<typeof revokedSchema>;
/** @public */
export type ErrorMessage = z.infer<typeof errorSchema>;
export type HubMessage = z.infer<typeof hubMessageSchema>;
