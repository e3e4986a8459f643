// A provider preset's host list: each host parsed by the one source parser, and what each says
// about where its addresses come from (an address or network the provider publishes, a host
// name the agent resolves, a SIP domain followed through its SRV records).
import { GatehouseError } from "./errors.ts";
import { parseSource, type ParsedSource, type SourceFloors } from "./source.ts";

/** At most this many hosts in one preset (the biggest shipped one has nine). */
export const PRESET_HOSTS_MAX = 64;

type PresetHostOrigin = "address" | "network" | "dns" | "srv";

interface PresetHost {
  host: string;
  origin: PresetHostOrigin;
}

function presetHostOrigin(parsed: ParsedSource): PresetHostOrigin {
  if (parsed.kind === "fqdn") return parsed.sipDomain === undefined ? "dns" : "srv";
  if (parsed.kind === "country") return "network";
  return parsed.canonical.includes("/") ? "network" : "address";
}

/** The origin of a stored (canonical) host; a host the parser no longer takes reads as DNS. */
export function storedPresetHost(host: string): PresetHost {
  try {
    return { host, origin: presetHostOrigin(parseSource(host)) };
  } catch {
    return { host, origin: "dns" };
  }
}

/**
 * The canonical hosts of a preset as typed by an operator: each through parseSource (its
 * message says what is wrong with which host), none twice, at least one, at most PRESET_HOSTS_MAX.
 */
export function parsePresetHosts(hosts: readonly string[], floors: SourceFloors = {}): string[] {
  if (hosts.length === 0) throw new GatehouseError("BAD_INPUT", "a preset needs at least one host", { field: "hosts" });
  if (hosts.length > PRESET_HOSTS_MAX) throw new GatehouseError("BAD_INPUT", `a preset has at most ${PRESET_HOSTS_MAX} hosts`, { field: "hosts" });
  const canonical: string[] = [];
  for (const host of hosts) {
    let parsed: ParsedSource;
    try {
      parsed = parseSource(host, floors);
    } catch (error) {
      if (error instanceof GatehouseError) throw new GatehouseError("BAD_INPUT", `host ${canonical.length + 1}: ${error.message}`, { field: "hosts" });
      throw error;
    }
    if (parsed.kind === "country") {
      throw new GatehouseError("BAD_INPUT", `host ${canonical.length + 1}: ${parsed.canonical} is a country; a preset lists a provider's hosts (allow a country with an entry)`, { field: "hosts" });
    }
    if (canonical.includes(parsed.canonical)) throw new GatehouseError("BAD_INPUT", `${parsed.canonical} is listed twice`, { field: "hosts" });
    canonical.push(parsed.canonical);
  }
  return canonical;
}
