// Resolves a SIP domain (`srv:<domain>`) the way SIP finds a provider's servers (RFC 3263, see
// core's sip-domain.ts): SRV for `_sip._udp`, `_sip._tcp` and `_sips._tcp`, then every A and
// AAAA of every target; the domain's own A/AAAA when it has no SRV record at all. Any transient
// fault along the way fails the whole lookup as transient, so the answer book keeps the last
// good addresses (fail-static) instead of enforcing a partial answer that drops a provider's
// servers. c-ares does not expose an SRV record's TTL, so the answer's TTL is the lowest of its
// address records', and never above SRV_RECHECK_SECONDS, so a changed SRV record is seen soon
// even behind long-lived A records (the answer book clamps it further).
import type { Resolver } from "node:dns/promises";
import { MAX_SIP_DOMAIN_ADDRESSES, SIP_SRV_SERVICES, srvTargets, type SrvRecord } from "@gatehouse/core";
import type { SrvTargetAnswer } from "@gatehouse/protocol";
import type { LookupOutcome } from "./fqdn-resolver.ts";

const NO_SUCH_RECORD = new Set(["ENOTFOUND", "ENODATA"]);

/** The longest a SIP domain's SRV records go unasked, their own TTL being unknown. */
export const SRV_RECHECK_SECONDS = 300;

type SrvOutcome = { ok: true; records: SrvRecord[] } | { ok: false; owner: string; code: string };

async function askSrv(resolver: Resolver, owner: string): Promise<SrvOutcome> {
  try {
    return { ok: true, records: await resolver.resolveSrv(owner) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "EUNKNOWN";
    return NO_SUCH_RECORD.has(code) ? { ok: true, records: [] } : { ok: false, owner, code };
  }
}

/** Every address of the targets, in the targets' order, each once, at most the bound. */
function boundedAddresses(answers: readonly SrvTargetAnswer[]): string[] {
  const all = [...new Set(answers.flatMap((a) => a.addresses))].slice(0, MAX_SIP_DOMAIN_ADDRESSES);
  return all.sort();
}

export async function resolveSipDomain(resolver: Resolver, domain: string, lookupHost: (name: string) => Promise<LookupOutcome>): Promise<LookupOutcome> {
  const srv = await Promise.all(SIP_SRV_SERVICES.map((service) => askSrv(resolver, `${service}.${domain}`)));
  const failed = srv.find((s) => !s.ok);
  if (failed && !failed.ok) return { ok: false, error: `SRV lookup of ${failed.owner} failed (${failed.code})`, definitive: false };
  const targets = srvTargets(srv.flatMap((s) => (s.ok ? s.records : [])));
  if (targets.length === 0) return fallBackToDomain(domain, lookupHost);
  const outcomes = await Promise.all(targets.map((t) => lookupHost(t.target)));
  const transient = outcomes.find((o) => !o.ok && !o.definitive);
  if (transient && !transient.ok) return { ok: false, error: `${domain}: ${transient.error}`, definitive: false };
  const answers = targets.map((t, i) => {
    const outcome = outcomes[i];
    return { target: t.target, ports: t.ports, addresses: outcome?.ok ? outcome.addresses : [] };
  });
  const ttls = outcomes.flatMap((o) => (o.ok ? [o.ttlSeconds] : []));
  const addresses = boundedAddresses(answers);
  if (addresses.length === 0) {
    const names = targets.map((t) => t.target).join(", ");
    return { ok: false, error: `none of ${domain}'s SRV targets (${names}) has an A or AAAA record`, definitive: true };
  }
  return { ok: true, addresses, ttlSeconds: Math.min(...ttls, SRV_RECHECK_SECONDS), targets: answers };
}

async function fallBackToDomain(domain: string, lookupHost: (name: string) => Promise<LookupOutcome>): Promise<LookupOutcome> {
  const outcome = await lookupHost(domain);
  if (outcome.ok) {
    const ttlSeconds = Math.min(outcome.ttlSeconds, SRV_RECHECK_SECONDS);
    return { ...outcome, ttlSeconds, addresses: outcome.addresses.slice(0, MAX_SIP_DOMAIN_ADDRESSES), targets: [] };
  }
  if (!outcome.definitive) return outcome;
  return { ok: false, error: `${domain} has no SIP SRV record (${SIP_SRV_SERVICES.join(", ")}) and no A or AAAA record`, definitive: true };
}
