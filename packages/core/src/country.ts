// A country as an allowlist source: `country:CA` allows every network a geo database places in
// Canada (ISO 3166-1 alpha-2). The parser checks the shape only; which codes exist is the
// control plane's loaded database's to say. Country lists are never exact (registries
// reassign, providers move, VPNs and roaming phones come from anywhere), so a country entry
// never covers SSH unless SSH is chosen by name, and choosing it earns a warning. Pure: the
// networks come from the database on the control plane and travel to the agent on request.
import { GatehouseError } from "./errors.ts";
import type { ServiceId } from "./model.ts";
import { ALL_SERVICES } from "./services.ts";

/** How a country source starts; two letters follow. */
const COUNTRY_PREFIX = "country:";

/** The one service a country entry only gets when it is named. */
const SSH_SERVICE = "ssh";

export interface ParsedCountry {
  kind: "country";
  /** `country:` and the upper-case code. */
  canonical: string;
  /** The ISO 3166-1 alpha-2 code, upper case. */
  country: string;
}

function refuse(message: string, details?: Record<string, unknown>): never {
  throw new GatehouseError("BAD_INPUT", message, details);
}

/** Whether `text` (as typed) is written as a country source. */
export function isCountryText(text: string): boolean {
  return text.trim().toLowerCase().startsWith(COUNTRY_PREFIX);
}

/** `country:ca` -> { canonical: "country:CA", country: "CA" }; refuses anything but two letters. */
export function parseCountrySource(text: string): ParsedCountry {
  const code = text.trim().slice(COUNTRY_PREFIX.length).trim();
  if (code === "") refuse(`${text.trim()} names no country: write its two-letter ISO code after country:, like country:CA`);
  if (!/^[A-Za-z]{2}$/.test(code)) {
    refuse(`${text.trim()} is not a country: write the two-letter ISO 3166-1 code, like country:CA or country:US`);
  }
  const country = code.toUpperCase();
  return { kind: "country", canonical: `${COUNTRY_PREFIX}${country}`, country };
}

/** The code of a canonical `country:XX` source, or null for any other source. */
export function countryCodeOf(canonicalSource: string): string | null {
  return canonicalSource.startsWith(COUNTRY_PREFIX) ? canonicalSource.slice(COUNTRY_PREFIX.length) : null;
}

/**
 * Refuses "all" for a country entry: "all" includes SSH, and a country list is no gate for a
 * root shell. SSH named on its own is the operator's explicit choice.
 */
export function checkCountryServices(source: string, services: readonly ServiceId[]): void {
  if (services.includes(ALL_SERVICES)) {
    refuse(`choose the services for ${source}: a country entry never covers SSH unless you pick ssh, so "all" is refused (e.g. sip,rtp)`, { field: "services" });
  }
}

/** What the operator is told when adding a country entry for `services`. */
export function countryEntryWarnings(source: string, services: readonly ServiceId[]): string[] {
  const inexact = `${source} allows the networks a geo database places there; country lists are never exact (addresses move between countries, VPNs and roaming phones come from anywhere)`;
  if (!services.includes(SSH_SERVICE)) return [inexact];
  return [inexact, `${source} opens SSH to a whole country: anyone there, or anyone renting an address there, can try to log in; prefer an address or a traveler grant for SSH`];
}
