// The wire form of core's DesiredState, validated on arrival: the agent never trusts the
// shape of what it is told to enforce. Sources are re-parsed by the compilers (core), so
// here they only need to be bounded strings.
import { z } from "zod";
import type { DesiredState } from "@gatehouse/core";

const boundedString = z.string().min(1).max(255);
/**
 * A geo database version (`geo-whois-asn-country@2.3.2026061719+asn@2.3.2026061719`): what the
 * country networks are asked for by, and the agent's folder name for them (no "/" nor "..").
 */
export const geoVersionSchema = z.string().regex(/^[A-Za-z0-9_+@-][A-Za-z0-9._+@-]{0,127}$/);

const portRangeSchema = z.object({
  protocol: z.enum(["tcp", "udp"]),
  from: z.number().int().min(0).max(65535),
  to: z.number().int().min(0).max(65535),
});

const serviceDefinitionSchema = z.object({
  id: boundedString,
  name: z.string().max(255),
  ports: z.array(portRangeSchema).max(64),
});

const desiredEntrySchema = z.object({
  source: boundedString,
  kind: z.enum(["ip", "fqdn", "country"]),
  services: z.array(boundedString).max(256),
});

export const desiredStateSchema = z.object({
  serverId: boundedString,
  policy: z.object({
    mediaOpenToAll: z.boolean(),
    lanRanges: z.array(boundedString).max(1024),
    primaryAdmin: boundedString.nullable(),
  }),
  services: z.array(serviceDefinitionSchema).max(4096),
  entries: z.array(desiredEntrySchema).max(1_000_000),
  geo: z.object({ version: geoVersionSchema }).optional(),
}) satisfies z.ZodType<DesiredState>;
