// "Which networks are in this country?": a country entry reaches the agent as `country:CA` and
// the geo database version in its desired state, never as the list itself (the US is ~100k
// networks, ~1.5 MB: inlined, every revision of every server using it would carry them). The
// agent asks its hub for the networks of (country, version) once and keeps them on disk; the hub
// answers from its own database, or says it has another version. Only an agent that was sent a
// state with a country entry asks, and only a hub that sends those understands the question.
import { z } from "zod";
import { geoVersionSchema } from "./desired-state-schema.ts";

/**
 * Most networks one country's answer may carry (the US has ~100k in 2026): 300k CIDRs of at most
 * 43 characters, quoted, stay under MAX_HUB_MESSAGE_BYTES (16 MB), the agent's maxPayload.
 */
export const MAX_COUNTRY_NETWORKS = 300_000;

const countryCodeSchema = z.string().regex(/^[A-Z]{2}$/);

export const countryNetworksRequestSchema = z.strictObject({
  type: z.literal("country-networks-request"),
  country: countryCodeSchema,
  version: geoVersionSchema,
});

export const countryNetworksSchema = z.strictObject({
  type: z.literal("country-networks"),
  country: countryCodeSchema,
  version: geoVersionSchema,
  /** Canonical CIDRs (the agent parses each again); empty when `error` says why not. */
  networks: z.array(z.string().min(3).max(43)).max(MAX_COUNTRY_NETWORKS),
  error: z.string().max(512).optional(),
});

export type CountryNetworksRequest = z.infer<typeof countryNetworksRequestSchema>;
export type CountryNetworksMessage = z.infer<typeof countryNetworksSchema>;
