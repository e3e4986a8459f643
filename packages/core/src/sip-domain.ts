// A SIP domain resolved the way a SIP client finds a provider's servers (RFC 3263): the SRV
// records of `_sip._udp`, `_sip._tcp` and `_sips._tcp` under the domain name their targets, and
// every A and AAAA record of every target is allowed; with no SRV record at all the domain's
// own A and AAAA records stand in. Written `srv:<domain>` as a source and kept that way, so the
// agent knows to ask SRV first. Pure: the agent does the asking.

/** How a SIP-domain source starts; what follows is a host name. */
export const SIP_DOMAIN_PREFIX = "srv:";

/** The SRV owner labels asked under a SIP domain (UDP, TCP and TLS signalling). */
export const SIP_SRV_SERVICES = ["_sip._udp", "_sip._tcp", "_sips._tcp"] as const;

/** At most this many SRV targets are followed per domain (a provider publishes a handful). */
export const MAX_SRV_TARGETS = 16;

/** At most this many addresses are allowed per domain, over all its targets. */
export const MAX_SIP_DOMAIN_ADDRESSES = 64;

/** The domain of a canonical `srv:<domain>` source, or null for any other source. */
export function sipDomainOf(canonicalSource: string): string | null {
  return canonicalSource.startsWith(SIP_DOMAIN_PREFIX) ? canonicalSource.slice(SIP_DOMAIN_PREFIX.length) : null;
}

export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

export interface SrvTarget {
  /** The target host name, lower case, without a trailing dot. */
  target: string;
  /** Every port the records give this target, ascending. */
  ports: number[];
}

/**
 * The targets to resolve from every SRV record found, most preferred first (lowest priority,
 * then highest weight), each once, at most MAX_SRV_TARGETS. A target of "." says the service
 * is not offered there (RFC 2782) and is skipped. Every target is allowed, not only the
 * preferred one: a provider may send calls from any of them.
 */
export function srvTargets(records: readonly SrvRecord[]): SrvTarget[] {
  const ordered = [...records].sort((a, b) => a.priority - b.priority || b.weight - a.weight || a.name.localeCompare(b.name));
  const targets = new Map<string, Set<number>>();
  for (const record of ordered) {
    const target = record.name.toLowerCase().replace(/\.$/, "");
    if (target === "") continue;
    const ports = targets.get(target);
    if (ports) ports.add(record.port);
    else if (targets.size < MAX_SRV_TARGETS) targets.set(target, new Set([record.port]));
  }
  return [...targets].map(([target, ports]) => ({ target, ports: [...ports].sort((a, b) => a - b) }));
}
