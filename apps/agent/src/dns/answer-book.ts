// The agent's memory of each FQDN's answer: what it resolved to, when, and when to ask again
// (its TTL clamped to [min, max]). A transient DNS fault keeps the last known addresses
// (fail-static: a DNS hiccup must not lock a trunk provider out); a definitive "no such
// name" leaves the FQDN out. Both are reported. Lookups never run in the agent's apply queue,
// and a name is never asked twice at once: a hanging DNS server delays only that name's answer.
import type { FqdnResolution, SrvTargetAnswer, UnresolvedFqdn } from "@gatehouse/protocol";
import type { FqdnLookup } from "./fqdn-resolver.ts";

export interface TtlClamp {
  minSeconds: number;
  maxSeconds: number;
}

interface Answer {
  addresses: string[];
  /** A SIP domain's SRV targets with their addresses (as last resolved). */
  targets?: SrvTargetAnswer[];
  ttlSeconds: number;
  resolvedAt: Date | null;
  /** Set when the last lookup failed. */
  error: string | null;
  nextDueAt: number;
}

export class AnswerBook {
  private readonly answers = new Map<string, Answer>();
  private readonly asking = new Set<string>();

  constructor(
    private readonly lookup: FqdnLookup,
    private readonly clamp: TtlClamp,
    private readonly now: () => number = Date.now,
  ) {}

  /** Answers kept on disk: usable at once, re-asked as soon as DNS is tried. */
  load(resolutions: FqdnResolution[]): void {
    for (const r of resolutions) {
      this.answers.set(r.fqdn, { addresses: [...r.addresses], ...(r.targets ? { targets: r.targets } : {}), ttlSeconds: r.ttlSeconds, resolvedAt: new Date(r.resolvedAt), error: null, nextDueAt: 0 });
    }
  }

  /** Resolves the FQDNs never asked or due (and not being asked); true when any address set changed. */
  refresh(fqdns: readonly string[]): Promise<boolean> {
    return this.resolveAll(fqdns.filter((f) => (this.answers.get(f)?.nextDueAt ?? 0) <= this.now()));
  }

  /** Resolves the FQDNs never asked (a new state's); true when any of them got addresses. */
  resolveNew(fqdns: readonly string[]): Promise<boolean> {
    return this.resolveAll(fqdns.filter((f) => !this.answers.has(f)));
  }

  /** Forgets the FQDNs a new state no longer has. */
  keepOnly(fqdns: readonly string[]): void {
    const keep = new Set(fqdns);
    for (const fqdn of this.answers.keys()) if (!keep.has(fqdn)) this.answers.delete(fqdn);
  }

  /** When the next of these FQDNs is due (epoch ms), or null when there are none. */
  nextDueAt(fqdns: readonly string[]): number | null {
    let next: number | null = null;
    for (const fqdn of fqdns) {
      const due = this.answers.get(fqdn)?.nextDueAt ?? 0;
      next = next === null ? due : Math.min(next, due);
    }
    return next;
  }

  /** FQDN -> addresses, for every FQDN with at least one address. */
  addressMap(): Map<string, string[]> {
    const map = new Map<string, string[]>();
    for (const [fqdn, answer] of this.answers) if (answer.addresses.length > 0) map.set(fqdn, answer.addresses);
    return map;
  }

  /** FQDNs left out of the ruleset, with why. */
  unresolved(fqdns: readonly string[]): UnresolvedFqdn[] {
    return fqdns.flatMap((fqdn) => {
      const answer = this.answers.get(fqdn);
      if (answer && answer.addresses.length > 0) return [];
      return [{ fqdn, error: answer?.error ?? "not resolved yet" }];
    });
  }

  /** FQDNs still enforced with addresses from before a failed lookup. */
  staleErrors(fqdns: readonly string[]): string[] {
    return fqdns.flatMap((fqdn) => {
      const a = this.answers.get(fqdn);
      if (!a || !a.error || a.addresses.length === 0) return [];
      return [`${a.error}; keeping the last known addresses (${a.resolvedAt?.toISOString() ?? "from disk"})`];
    });
  }

  /** Every FQDN's last successful answer (for the report and for disk). */
  resolutions(fqdns: readonly string[]): FqdnResolution[] {
    return fqdns.flatMap((fqdn) => {
      const a = this.answers.get(fqdn);
      if (!a || a.resolvedAt === null) return [];
      const targets = a.targets ? { targets: a.targets } : {};
      return [{ fqdn, addresses: a.addresses, ...targets, ttlSeconds: a.ttlSeconds, resolvedAt: a.resolvedAt.toISOString() }];
    });
  }

  private async resolveAll(fqdns: readonly string[]): Promise<boolean> {
    const ask = fqdns.filter((fqdn) => !this.asking.has(fqdn));
    for (const fqdn of ask) this.asking.add(fqdn);
    try {
      return (await Promise.all(ask.map((fqdn) => this.resolveOne(fqdn)))).some(Boolean);
    } finally {
      for (const fqdn of ask) this.asking.delete(fqdn);
    }
  }

  private clampSeconds(ttl: number): number {
    return Math.min(this.clamp.maxSeconds, Math.max(this.clamp.minSeconds, ttl));
  }

  private async resolveOne(fqdn: string): Promise<boolean> {
    const before = this.answers.get(fqdn);
    const outcome = await this.lookup.lookup(fqdn);
    const now = this.now();
    if (outcome.ok) {
      const delay = this.clampSeconds(outcome.ttlSeconds) * 1000;
      const targets = outcome.targets ? { targets: outcome.targets } : {};
      this.answers.set(fqdn, { addresses: outcome.addresses, ...targets, ttlSeconds: outcome.ttlSeconds, resolvedAt: new Date(now), error: null, nextDueAt: now + delay });
      return !sameAddresses(before?.addresses, outcome.addresses);
    }
    const retryAt = now + this.clamp.minSeconds * 1000;
    const addresses = outcome.definitive ? [] : (before?.addresses ?? []);
    const keptTargets = !outcome.definitive && before?.targets ? { targets: before.targets } : {};
    this.answers.set(fqdn, {
      addresses,
      ...keptTargets,
      ttlSeconds: before?.ttlSeconds ?? 0,
      resolvedAt: outcome.definitive ? null : (before?.resolvedAt ?? null),
      error: outcome.error,
      nextDueAt: retryAt,
    });
    return !sameAddresses(before?.addresses, addresses);
  }
}

function sameAddresses(a: string[] | undefined, b: string[]): boolean {
  if (!a) return b.length === 0;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
