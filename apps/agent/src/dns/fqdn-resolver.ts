// Resolves an allowlisted FQDN to its A and AAAA addresses with their TTL. c-ares (node:dns
// Resolver) follows CNAME chains itself and returns the final addresses. A SIP domain
// (`srv:<domain>`) goes through its SRV records first (sip-domain-resolver.ts).
import { Resolver } from "node:dns/promises";
import { sipDomainOf } from "@gatehouse/core";
import type { SrvTargetAnswer } from "@gatehouse/protocol";
import { resolveSipDomain } from "./sip-domain-resolver.ts";

export type LookupOutcome =
  /** `targets`: a SIP domain's SRV targets (empty when its own A/AAAA stood in). */
  | { ok: true; addresses: string[]; ttlSeconds: number; targets?: SrvTargetAnswer[] }
  /** `definitive`: the name has no address (NXDOMAIN / no A or AAAA); else a transient fault. */
  | { ok: false; error: string; definitive: boolean };

export interface FqdnLookup {
  lookup(fqdn: string): Promise<LookupOutcome>;
}

export interface FqdnResolverOptions {
  /** "host" or "host:port"; the system's resolvers when absent. */
  servers?: string[];
  timeoutMs?: number;
  tries?: number;
}

const NO_SUCH_ADDRESS = new Set(["ENOTFOUND", "ENODATA"]);

type RecordOutcome = { ok: true; records: { address: string; ttl: number }[] } | { ok: false; code: string };

async function settle(query: Promise<{ address: string; ttl: number }[]>): Promise<RecordOutcome> {
  try {
    return { ok: true, records: await query };
  } catch (error) {
    return { ok: false, code: (error as NodeJS.ErrnoException).code ?? "EUNKNOWN" };
  }
}

export class FqdnResolver implements FqdnLookup {
  private readonly resolver: Resolver;

  constructor(options: FqdnResolverOptions = {}) {
    this.resolver = new Resolver({ timeout: options.timeoutMs ?? 3000, tries: options.tries ?? 2 });
    if (options.servers && options.servers.length > 0) this.resolver.setServers(options.servers);
  }

  lookup(name: string): Promise<LookupOutcome> {
    const domain = sipDomainOf(name);
    if (domain === null) return this.lookupHost(name);
    return resolveSipDomain(this.resolver, domain, (host) => this.lookupHost(host));
  }

  private async lookupHost(fqdn: string): Promise<LookupOutcome> {
    const [v4, v6] = await Promise.all([
      settle(this.resolver.resolve4(fqdn, { ttl: true })),
      settle(this.resolver.resolve6(fqdn, { ttl: true })),
    ]);
    const records = [...(v4.ok ? v4.records : []), ...(v6.ok ? v6.records : [])];
    if (records.length > 0) {
      const addresses = [...new Set(records.map((r) => r.address))].sort();
      return { ok: true, addresses, ttlSeconds: Math.min(...records.map((r) => r.ttl)) };
    }
    const codes = [v4, v6].flatMap((r) => (r.ok ? [] : [r.code]));
    const definitive = codes.every((code) => NO_SUCH_ADDRESS.has(code));
    const error = definitive ? `${fqdn} has no A or AAAA record (${[...new Set(codes)].join(", ")})` : `DNS lookup of ${fqdn} failed (${[...new Set(codes)].join(", ")})`;
    return { ok: false, error, definitive };
  }
}
