// Messages an agent sends to the hub. Every message is one JSON object with a `type`.
import { MAX_SIP_DOMAIN_ADDRESSES, MAX_SRV_TARGETS } from "@gatehouse/core";
import { z } from "zod";
import { KNOCK_INTERVALS_PER_REPORT, knockIntervalSchema } from "./knock-report.ts";

export * from "./knock-report.ts";
import { SET_LOOKUP_FEATURE, setLookupAnswerSchema } from "./set-lookup.ts";
import { countryNetworksRequestSchema } from "./country-networks.ts";

const backendSchema = z.enum(["iptables", "nftables", "dry-run"]);
const revisionSchema = z.number().int().min(0);
const hashSchema = z.string().max(128);
const fqdnSchema = z.string().min(1).max(255);

/** First message on every connection. */
const helloSchema = z.object({
  type: z.literal("hello"),
  protocolVersion: z.number().int().min(1),
  agentVersion: z.string().max(64),
  backend: backendSchema,
  appliedRevision: revisionSchema.optional(),
  appliedHash: hashSchema.optional(),
  /** Optional messages this agent understands; the hub sends only those (older agents: none). */
  features: z.array(z.enum([SET_LOOKUP_FEATURE])).max(8).optional(),
});

/** Reply to `changed`: "send me the state at (at least) this revision". */
const fetchSchema = z.object({
  type: z.literal("fetch"),
  revision: revisionSchema,
});

export const unresolvedFqdnSchema = z.object({ fqdn: fqdnSchema, error: z.string().max(512) });

/** One SRV target of a SIP domain (`srv:<domain>`) and the addresses it resolved to. */
const srvTargetAnswerSchema = z.object({
  target: fqdnSchema,
  ports: z.array(z.number().int().min(0).max(65535)).max(16),
  addresses: z.array(z.string().max(64)).max(MAX_SIP_DOMAIN_ADDRESSES),
});

export const fqdnResolutionSchema = z.object({
  fqdn: fqdnSchema,
  addresses: z.array(z.string().max(64)).max(1024),
  /** For a SIP domain: each SRV target (none when the domain's own A/AAAA stood in). */
  targets: z.array(srvTargetAnswerSchema).max(MAX_SRV_TARGETS).optional(),
  ttlSeconds: z.number().int().min(0),
  /** ISO 8601. */
  resolvedAt: z.iso.datetime(),
});

/** What the agent enforces now; the hub stores it and answers `ack`. */
export const reportSchema = z.object({
  type: z.literal("report"),
  appliedRevision: revisionSchema,
  /** sha256 of the compiled ruleset the backend enforces. */
  rulesetHash: hashSchema,
  /** hashDesiredState of the desired state it was compiled from. */
  desiredHash: hashSchema,
  setSizes: z.record(z.string().max(64), z.number().int().min(0)),
  ruleCount: z.number().int().min(0),
  unresolved: z.array(unresolvedFqdnSchema).max(10_000),
  resolutions: z.array(fqdnResolutionSchema).max(10_000),
  errors: z.array(z.string().max(1024)).max(100),
  /** Set once after a commit-confirm rollback, in the first report that can reach the hub. */
  rolledBack: z.object({ fromRevision: revisionSchema, reason: z.string().max(1024) }).optional(),
  /** Set when the live firewall had drifted and was repaired. */
  drift: z.object({ problems: z.array(z.string().max(1024)).max(100) }).optional(),
  /** Open flows (conntrack entries) of revoked sources that applies cut since the previous report. */
  flowsCut: z.number().int().min(0).optional(),
  /** Drop telemetry: who knocked on closed ports, per interval since the previous report that carried it. */
  knocks: z.array(knockIntervalSchema).max(KNOCK_INTERVALS_PER_REPORT).optional(),
  agentVersion: z.string().max(64),
  backend: backendSchema,
});

export const agentMessageSchema = z.discriminatedUnion("type", [helloSchema, fetchSchema, reportSchema, setLookupAnswerSchema, countryNetworksRequestSchema]);

export type HelloMessage = z.infer<typeof helloSchema>;
export type FetchMessage = z.infer<typeof fetchSchema>;
export type ReportMessage = z.infer<typeof reportSchema>;
export type UnresolvedFqdn = z.infer<typeof unresolvedFqdnSchema>;
export type FqdnResolution = z.infer<typeof fqdnResolutionSchema>;
export type SrvTargetAnswer = z.infer<typeof srvTargetAnswerSchema>;
export type AgentMessage = z.infer<typeof agentMessageSchema>;
