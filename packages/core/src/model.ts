// The shapes every part of Gatehouse agrees on: what a server should enforce (DesiredState,
// sent to agents), and the same with FQDNs resolved to addresses (ResolvedState, the
// compilers' input). Pure data, no behaviour.

/** A catalogue id ("sip", "rtp", ...), a custom service id, or "all". */
export type ServiceId = string;

export type Protocol = "tcp" | "udp";

export interface PortRange {
  protocol: Protocol;
  from: number;
  /** Inclusive; equal to `from` for a single port. */
  to: number;
}

export interface ServiceDefinition {
  id: ServiceId;
  name: string;
  /** Empty for "all", which means every protocol and port. */
  ports: PortRange[];
}

/** "country": `country:XX`, the networks a geo database places in that country (country.ts). */
export type SourceKind = "ip" | "fqdn" | "country";

/** One source allowed for some services. `source` is canonical (see parseSource). */
export interface DesiredEntry {
  source: string;
  kind: SourceKind;
  services: ServiceId[];
}

interface BasePolicy {
  /** RTP (the "rtp" service) open to every source, as in Travelin' Man 3. */
  mediaOpenToAll: boolean;
  /** Private ranges allowed for everything (canonical CIDRs). */
  lanRanges: string[];
  /** Always allowed for everything; canonical IP/CIDR or FQDN, or null. */
  primaryAdmin: string | null;
}

/** Everything one server must enforce. Deterministic: same intent, same JSON, same hash. */
export interface DesiredState {
  serverId: string;
  policy: BasePolicy;
  /** Every service referenced by an entry, plus "rtp" when media is open; sorted by id. */
  services: ServiceDefinition[];
  /** Merged by source (services unioned), sorted by kind then source. */
  entries: DesiredEntry[];
  /**
   * The geo database the country entries' networks come from; present only when the state has
   * a country entry, so a new database is a new revision of exactly the servers that use one.
   */
  geo?: { version: string };
}

/** An address or CIDR (canonical) allowed for some services, after FQDN resolution. */
export interface ResolvedAllow {
  address: string;
  services: ServiceId[];
}

/** The compilers' input: DesiredState with every FQDN and country replaced by its addresses. */
export interface ResolvedState {
  policy: {
    mediaOpenToAll: boolean;
    lanRanges: string[];
    /** The primary admin's addresses (several if it is an FQDN); may be empty. */
    primaryAdmin: string[];
  };
  services: ServiceDefinition[];
  allow: ResolvedAllow[];
}
