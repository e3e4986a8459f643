// The networks of the countries the desired state allows, by (country, geo database version).
// They come from the hub on request (a state carries `country:CA` and the version, never the
// list) and are kept in the state directory, one file per country and version, so a restart
// without the control plane enforces them at once. Until a country's networks are here its entry
// allows nothing (fail closed) and is reported unresolved. What the hub sends is checked here,
// once per list, by the one source parser: only canonical public networks get into a set.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { countryCodeOf, parseSource, type DesiredState } from "@gatehouse/core";
import type { CountryNetworksMessage, CountryNetworksRequest, UnresolvedFqdn } from "@gatehouse/protocol";
import type { Logger } from "pino";
import { z } from "zod";
import { writeFileAtomic } from "../state/atomic-file.ts";

/** Any breadth but /0: a registry's block may be wider than an operator's floor. */
const ANY_BREADTH = { ipv4Floor: 1, ipv6Floor: 1 } as const;

const storedListSchema = z.object({ country: z.string(), version: z.string(), networks: z.array(z.string()) });

/** The country codes (upper case) of the state's country entries, and the version they need. */
function countriesOf(state: DesiredState): { version: string; codes: string[] } | null {
  const codes = state.entries.flatMap((entry) => (entry.kind === "country" ? [countryCodeOf(entry.source) ?? ""] : [])).filter(Boolean);
  if (codes.length === 0 || state.geo === undefined) return null;
  return { version: state.geo.version, codes: [...new Set(codes)].sort() };
}

/** The canonical form of each network the parser takes (any breadth but /0, remote peers only). */
function canonicalNetworks(networks: readonly string[]): { kept: string[]; dropped: number } {
  const kept: string[] = [];
  let dropped = 0;
  for (const network of networks) {
    try {
      const parsed = parseSource(network, ANY_BREADTH);
      if (parsed.kind === "ip") kept.push(parsed.canonical);
      else dropped += 1;
    } catch {
      dropped += 1;
    }
  }
  return { kept, dropped };
}

export class CountryNetworks {
  /** "CA@version" -> networks. */
  private readonly lists = new Map<string, string[]>();
  /** Asked in this session and not answered yet (asked again after a reconnect). */
  private readonly asked = new Set<string>();
  /** Why the hub could not give a list (its own database is another version...). */
  private readonly refusals = new Map<string, string>();
  /** Who waits for the answer about a list (fetchMissing). */
  private readonly waiters = new Map<string, (() => void)[]>();

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {}

  /** `country:CA` -> its networks, for every country of `state` whose list is here. */
  networksFor(state: DesiredState): Map<string, string[]> {
    const needed = countriesOf(state);
    const map = new Map<string, string[]>();
    for (const code of needed?.codes ?? []) {
      const networks = this.lists.get(key(code, needed?.version ?? ""));
      if (networks !== undefined) map.set(`country:${code}`, networks);
    }
    return map;
  }

  /** The state's countries still without networks, as the report names unresolved sources. */
  waiting(state: DesiredState): UnresolvedFqdn[] {
    const needed = countriesOf(state);
    if (needed === null) return [];
    return needed.codes.flatMap((code) => {
      const at = key(code, needed.version);
      if (this.lists.has(at)) return [];
      const why = this.refusals.get(at) ?? `the networks of ${code} (geo database ${needed.version}) have not arrived from the control plane yet`;
      return [{ fqdn: `country:${code}`, error: `${why}; the entry allows nothing until they do` }];
    });
  }

  /** Reads the state's lists kept on disk; true when any was found. */
  async load(state: DesiredState): Promise<boolean> {
    const needed = countriesOf(state);
    let found = false;
    for (const code of needed?.codes ?? []) {
      const at = key(code, needed?.version ?? "");
      if (this.lists.has(at)) continue;
      const stored = await this.readList(code, needed?.version ?? "");
      if (stored !== null) {
        this.lists.set(at, stored);
        found = true;
      }
    }
    return found;
  }

  /** Requests for the state's countries not here and not asked yet in this session. */
  requests(state: DesiredState): CountryNetworksRequest[] {
    const needed = countriesOf(state);
    if (needed === null) return [];
    return needed.codes.flatMap((country) => {
      const at = key(country, needed.version);
      if (this.lists.has(at) || this.asked.has(at)) return [];
      this.asked.add(at);
      return [{ type: "country-networks-request" as const, country, version: needed.version }];
    });
  }

  /**
   * Asks for the state's countries without a list and waits, at most `timeoutMs`, until the hub
   * has answered for each: a new state is applied with its countries' networks when they come
   * quickly, as a new state's host names are resolved before it is applied.
   */
  async fetchMissing(state: DesiredState, send: (request: CountryNetworksRequest) => boolean, timeoutMs: number): Promise<void> {
    for (const request of this.requests(state)) if (!send(request)) this.asked.delete(key(request.country, request.version));
    const needed = countriesOf(state);
    const pending = (needed?.codes ?? []).map((code) => key(code, needed?.version ?? "")).filter((at) => !this.lists.has(at) && this.asked.has(at));
    if (pending.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const answered = pending.map((at) => new Promise<void>((resolve) => this.waiters.set(at, [...(this.waiters.get(at) ?? []), resolve])));
    await Promise.race([Promise.all(answered), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  /** A new session: whatever was asked and not answered is asked again. */
  sessionEnded(): void {
    this.asked.clear();
  }

  /** The hub's answer: checked, kept on disk, then in memory; true when a list was added. */
  async received(message: CountryNetworksMessage): Promise<boolean> {
    const at = key(message.country, message.version);
    try {
      return await this.keep(message, at);
    } finally {
      for (const wake of this.waiters.get(at) ?? []) wake();
      this.waiters.delete(at);
    }
  }

  private async keep(message: CountryNetworksMessage, at: string): Promise<boolean> {
    this.asked.delete(at);
    if (message.error !== undefined) {
      this.refusals.set(at, `the control plane could not give the networks of ${message.country}: ${message.error}`);
      this.logger.warn({ country: message.country, version: message.version, error: message.error }, "no country networks from the control plane");
      return false;
    }
    const { kept, dropped } = canonicalNetworks(message.networks);
    if (dropped > 0) this.logger.warn({ country: message.country, dropped }, "left out networks of a country list that are not canonical public networks");
    await writeFileAtomic(this.pathOf(message.country, message.version), JSON.stringify({ country: message.country, version: message.version, networks: kept }));
    this.lists.set(at, kept);
    this.refusals.delete(at);
    this.logger.info({ country: message.country, version: message.version, networks: kept.length }, "country networks received and kept on disk");
    return true;
  }

  /** Forgets the lists (in memory) a new state no longer needs; the files stay for a rollback. */
  keepOnly(states: readonly DesiredState[]): void {
    const keep = new Set(states.flatMap((state) => {
      const needed = countriesOf(state);
      return needed === null ? [] : needed.codes.map((code) => key(code, needed.version));
    }));
    for (const at of this.lists.keys()) if (!keep.has(at)) this.lists.delete(at);
  }

  private pathOf(country: string, version: string): string {
    return join(this.dir, "countries", version, `${country}.json`);
  }

  private async readList(country: string, version: string): Promise<string[] | null> {
    let text: string;
    try {
      text = await readFile(this.pathOf(country, version), "utf8");
    } catch {
      return null;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    const parsed = storedListSchema.safeParse(json);
    if (!parsed.success || parsed.data.country !== country || parsed.data.version !== version) {
      this.logger.warn({ country, version }, "ignoring a country list on disk that does not read back as written");
      return null;
    }
    // Written by this agent after the same check; checked again, the file may have been edited.
    return canonicalNetworks(parsed.data.networks).kept;
  }
}

function key(country: string, version: string): string {
  return `${country}@${version}`;
}
