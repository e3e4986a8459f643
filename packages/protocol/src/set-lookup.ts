// "Is this address in your sets?": the hub asks an agent to look one address up in the kernel's
// own sets (not in its memory of what it applied) for `gatehouse explain`. The request names an
// id the answer repeats, so a late or stray answer pairs with nothing. Only an agent whose hello
// lists the "set-lookup" feature is asked: an older agent would take the unknown message for a
// protocol error and drop its session. Whatever an agent answers is its claim about its own server.
import { z } from "zod";

export const SET_LOOKUP_FEATURE = "set-lookup";
/** Version of the lookup's request and answer, sent in both. */
export const SET_LOOKUP_VERSION = 1;
/** Source groups an answer may name: "lan", "admin", "all" and the service ids (plan.ts). */
const MAX_LOOKUP_GROUPS = 128;

const requestIdSchema = z.string().regex(/^[A-Za-z0-9-]{8,64}$/);

export const setLookupRequestSchema = z.strictObject({
  type: z.literal("set-lookup"),
  version: z.literal(SET_LOOKUP_VERSION),
  requestId: requestIdSchema,
  /** One canonical IPv4 or IPv6 address (the control plane parsed it; the agent checks again). */
  address: z.string().min(2).max(45),
});

const groupVerdictSchema = z.strictObject({
  /** "lan", "admin", "all" or a service id. */
  group: z.string().min(1).max(32),
  /** The kernel's answer: the address is in this group's set (of its family). */
  present: z.boolean(),
});

export const setLookupAnswerSchema = z.strictObject({
  type: z.literal("set-lookup-answer"),
  version: z.literal(SET_LOOKUP_VERSION),
  requestId: requestIdSchema,
  backend: z.enum(["iptables", "nftables", "dry-run"]),
  /** One per source group the agent's firewall holds; empty when `error` says why not. */
  groups: z.array(groupVerdictSchema).max(MAX_LOOKUP_GROUPS),
  error: z.string().max(512).optional(),
});

export type SetLookupRequest = z.infer<typeof setLookupRequestSchema>;
export type SetLookupAnswer = z.infer<typeof setLookupAnswerSchema>;
/** @public */
export type GroupVerdict = z.infer<typeof groupVerdictSchema>;
